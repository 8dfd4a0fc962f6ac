package io.crux.ee.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The default node id tells apart the servers of one host: two servers with one id each take the
 * other's running runs for their own, and execute them a second time.
 */
class CruxRuntimeNodeIdTest {

    @Test
    void wildFlyServersStartedFromOneDirectoryHaveIdsOfTheirOwn() {
        // standalone.sh keeps the caller's working directory; each server has its own base directory
        String first = CruxRuntime.defaultNodeId(
                "host", Map.of("user.dir", "/opt/app", "jboss.server.base.dir", "/opt/app/node1")::get, "app");
        String second = CruxRuntime.defaultNodeId(
                "host", Map.of("user.dir", "/opt/app", "jboss.server.base.dir", "/opt/app/node2")::get, "app");

        assertThat(first).startsWith("host:").isNotEqualTo(second);
    }

    @Test
    void aServerKeepsItsIdWhenItRestartsFromAnotherDirectory() {
        String before = CruxRuntime.defaultNodeId(
                "host", Map.of("user.dir", "/home/ops", "jboss.server.base.dir", "/opt/app/node1")::get, "app");
        String after = CruxRuntime.defaultNodeId(
                "host", Map.of("user.dir", "/", "jboss.server.base.dir", "/opt/app/node1/")::get, "app");

        assertThat(after).isEqualTo(before);
    }

    @Test
    void elsewhereTheWorkingDirectoryTellsServersApart() {
        // Open Liberty starts each server in its own output directory
        String first = CruxRuntime.defaultNodeId("host", Map.of("user.dir", "/wlp/usr/servers/a")::get, "app");
        String second = CruxRuntime.defaultNodeId("host", Map.of("user.dir", "/wlp/usr/servers/b")::get, "app");

        assertThat(first).isNotEqualTo(second);
        assertThat(CruxRuntime.defaultNodeId("other", Map.of("user.dir", "/wlp/usr/servers/a")::get, "app"))
                .isNotEqualTo(first);
    }

    @Test
    void twoApplicationsOfOneServerHaveIdsOfTheirOwn() {
        Map<String, String> server = Map.of("user.dir", "/wlp/usr/servers/a");

        assertThat(CruxRuntime.defaultNodeId("host", server::get, "orders"))
                .isNotEqualTo(CruxRuntime.defaultNodeId("host", server::get, "billing"))
                .isEqualTo(CruxRuntime.defaultNodeId("host", server::get, "orders"));
    }
}
