package io.crux.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;
import io.crux.it.support.ServerPair;

/**
 * Two live servers given one node id ({@code crux.node-id}) on one PostgreSQL, as two Payara Micro
 * instances started from one directory would be. A server takes over the runs held under its own
 * id, so before the guard the second executed the first's running run again within a maintenance
 * pass. Now the second leaves it alone, refuses to start runs (503) and is not ready; once the first
 * stops, the id is the second's. Needs the shared database, so it runs in the PostgreSQL pass
 * ({@code -Dcrux.db=postgresql}) and is reported skipped on H2.
 */
class NodeIdTwiceIT {

    private static final String READY = FaultWar.FAULT + "/pid";
    private static final String STEPS = FaultWar.FLOWS + "/it-fault/actions/steps";
    private static ServerPair pair;
    private static AppServer first;
    private static AppServer second;

    @BeforeAll
    static void startServers() {
        Map<String, String> env =
                Map.of("CRUX_NODE_ID", "twin", "CRUX_LEASE_DURATION", "PT3S", "CRUX_MAINTENANCE_INTERVAL", "PT1S");
        pair = ServerPair.start("cruxTwinFirst", env, "cruxTwinSecond", env, FaultWar::build, READY);
        first = pair.first();
        second = pair.second();
    }

    @AfterAll
    static void stopServers() {
        if (pair != null) {
            pair.stopQuietly();
        }
    }

    @Test
    void theSecondServerOfAnIdLeavesTheFirstsRunAloneAndTakesTheIdOnlyOnceTheFirstStops() {
        Probe onFirst = new Probe(first);
        Probe onSecond = new Probe(second);
        String runId = onFirst.start("steps", "{\"count\":3,\"gateAt\":2}");
        await("s2 waits at its gate on the first server")
                .atMost(Duration.ofMinutes(1))
                .until(() -> onFirst.executions(runId, "s2") == 1);

        // the second's maintenance runs every second: before the guard it took the run within one
        await("the second server leaves the run alone for several of its maintenance passes")
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .until(() -> onSecond.executions(runId, "s2") == 1 && "RUNNING".equals(onSecond.status(runId)));
        HttpResponse<String> refused = second.post(STEPS, "{\"count\":1,\"gateAt\":0}", FaultWar.ALICE);
        assertThat(refused.statusCode())
                .as("a start on the second: %s", refused.body())
                .isEqualTo(503);
        assertThat(refused.body())
                .contains("CRUX0166E")
                .doesNotContain(first.directory().toString());
        assertThat(second.getAbsolute(second.healthUrl("ready"), "application/json")
                        .statusCode())
                .as("the second server's readiness")
                .isEqualTo(503);

        onFirst.openGate(runId);
        await("the first server finishes its run")
                .atMost(Duration.ofMinutes(1))
                .until(() -> "COMPLETED".equals(onFirst.status(runId)));
        assertThat(onFirst.executions(runId, "s2")).as("s2 ran once").isEqualTo(1);

        first.stop(); // gives the id up as its application stops
        await("the second server starts runs once the first stopped")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> second.post(STEPS, "{\"count\":1,\"gateAt\":0}", FaultWar.ALICE)
                                .statusCode()
                        == 202);
    }
}
