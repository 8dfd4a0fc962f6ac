package io.crux.it.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.RunningServer;
import io.crux.it.support.SameOnEveryDatabase;

/**
 * An application that does not turn the devtools on answers 404 on every devtools URL, to the
 * operator too. A server of its own: two applications that share the database and start together
 * would race to create its tables.
 */
class DevtoolsOffIT {

    private static final String OFF = "/it-devtools-off/api";

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
                    "cruxDevtoolsOff", OFF + "/flows", s -> s.deploy(DevtoolsIT.war("it-devtools-off", "")))
            .unless(SameOnEveryDatabase.skipped(
                    "an application without the devtools answers 404 before anything reads the database"));

    @Test
    void everyDevtoolsUrlIsNotFound() {
        for (String path : new String[] {"/devtools/runs", "/devtools/runs/x", "/devtools/stream"}) {
            HttpResponse<String> off = SERVER.get().get(OFF + path, "manager:manager-password");
            assertThat(off.statusCode()).as(path).isEqualTo(404);
            assertThat(off.body()).contains("CRUX0192E");
        }
        assertThat(SERVER.get().get(OFF + "/devtools/runs", null).statusCode()).isEqualTo(404);
    }
}
