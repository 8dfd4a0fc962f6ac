package io.crux.it.life;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * A server killed in the middle of a run (SIGKILL from the test): on restart the run is recovered
 * from its checkpoints and completes; completed steps do not run again.
 */
class CrashRecoveryIT {

    @RegisterExtension
    static final RunningServer SERVER =
            RunningServer.with("cruxCrash", "/it-life/api/life/pid", s -> s.deploy(LifeWar.build()));

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void runInterruptedByACrashCompletesAfterRestartWithoutRepeatingFinishedSteps() {
        String runId = (String)
                Json.object(server().post("/it-life/api/life/crash", "").body()).get("runId");
        await("step three started")
                .atMost(Duration.ofMinutes(1))
                .until(() -> effects(runId).getOrDefault("three", 0) == 1);
        assertThat(status(runId)).isEqualTo("RUNNING");

        long pid = Long.parseLong(server().get("/it-life/api/life/pid").body().trim());
        server().kill(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();

        server().start("/it-life/api/life/pid");

        await("recovered run completes").atMost(Duration.ofMinutes(2)).until(() -> "COMPLETED".equals(status(runId)));
        assertThat(effects(runId))
                .containsEntry("one", 1)
                .containsEntry("two", 1)
                .as("the interrupted step runs again, once")
                .containsEntry("three", 2)
                .containsEntry("four", 1);
    }

    private static String status(String runId) {
        return (String)
                Json.object(server().get("/it-life/api/life/crash/" + runId).body())
                        .get("status");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> effects(String runId) {
        Map<String, Object> raw = (Map<String, Object>)
                Json.object(server().get("/it-life/api/life/crash/" + runId).body())
                        .get("effects");
        Map<String, Integer> counts = new java.util.HashMap<>();
        raw.forEach((k, v) -> counts.put(k, ((Number) v).intValue()));
        return counts;
    }
}
