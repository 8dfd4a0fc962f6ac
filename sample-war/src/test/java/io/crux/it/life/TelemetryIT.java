package io.crux.it.life;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.OtlpReceiver;
import io.crux.it.support.OtlpReceiver.ReceivedSpan;

/**
 * Spans through MicroProfile Telemetry, exported by the server's own OpenTelemetry over OTLP to a
 * receiver in this test: one span per run, one per step attempt, with the crux attributes, and a
 * child run nested under the step that started it.
 *
 * <p>Crash recovery, on this class's server so that the suite starts one server less: the server killed
 * in the middle of a run (SIGKILL from the test), on restart the run is recovered from its checkpoints
 * and completes; completed steps do not run again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelemetryIT {

    private static final int OTLP_PORT = Integer.getInteger("otlp.port", 14318);
    private static OtlpReceiver receiver;
    private static AppServer server;

    @BeforeAll
    static void startServer() {
        receiver = new OtlpReceiver(OTLP_PORT);
        server = AppServer.create(
                        "cruxTelemetry",
                        Map.of(
                                "OTEL_TRACES_EXPORTER", "otlp",
                                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + OTLP_PORT,
                                "OTEL_BSP_SCHEDULE_DELAY", "100",
                                "OTEL_SERVICE_NAME", "crux-it"))
                .deploy(LifeWar.build());
        server.start("/it-life/api/life/pid");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stopQuietly();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    @Order(1)
    void runsAndStepAttemptsAreSpansWithCruxAttributesAndChildRunsNestUnderTheirStep() {
        Map<String, Object> ids =
                Json.object(server.post("/it-life/api/life/nested", "").body());
        String parentId = (String) ids.get("parentId");
        String childId = (String) ids.get("childId");
        assertThat(ids).containsEntry("output", "HELLO");

        await("spans exported")
                .atMost(Duration.ofMinutes(1))
                .until(() -> named("crux.flow it-child").size() == 1
                        && named("crux.flow it-parent").size() == 1
                        && named("crux.step flaky").size() == 2);

        ReceivedSpan parentRun = named("crux.flow it-parent").get(0);
        ReceivedSpan callChild = only("crux.step call-child");
        ReceivedSpan childRun = named("crux.flow it-child").get(0);
        List<ReceivedSpan> flakyAttempts = named("crux.step flaky");

        assertThat(parentRun.attributes())
                .containsEntry("crux.flow.id", parentId)
                .containsEntry("crux.flow.name", "it-parent");
        assertThat(callChild.parentSpanId()).isEqualTo(parentRun.spanId());
        assertThat(callChild.attributes())
                .containsEntry("crux.flow.id", parentId)
                .containsEntry("crux.step.label", "call-child")
                .containsEntry("crux.step.attempt", "1")
                .containsKey("crux.step.id");
        assertThat(only("crux.step prepare").parentSpanId()).isEqualTo(parentRun.spanId());

        assertThat(childRun.parentSpanId())
                .as("the child run nests under the step that started it")
                .isEqualTo(callChild.spanId());
        assertThat(childRun.traceId()).isEqualTo(parentRun.traceId());
        assertThat(childRun.attributes())
                .containsEntry("crux.flow.id", childId)
                .containsEntry("crux.flow.parent_id", parentId);

        assertThat(flakyAttempts).allSatisfy(s -> {
            assertThat(s.parentSpanId()).isEqualTo(childRun.spanId());
            assertThat(s.attributes()).containsEntry("crux.flow.id", childId).containsEntry("crux.step.label", "flaky");
        });
        assertThat(flakyAttempts)
                .extracting(s -> s.attributes().get("crux.step.attempt"))
                .containsExactlyInAnyOrder("1", "2");
    }

    @Test
    @Order(2)
    void runInterruptedByACrashCompletesAfterRestartWithoutRepeatingFinishedSteps() {
        String runId = (String)
                Json.object(server.post("/it-life/api/life/crash", "").body()).get("runId");
        await("step three started")
                .atMost(Duration.ofMinutes(1))
                .until(() -> effects(runId).getOrDefault("three", 0) == 1);
        assertThat(status(runId)).isEqualTo("RUNNING");

        long pid = Long.parseLong(server.get("/it-life/api/life/pid").body().trim());
        server.kill(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();

        server.start("/it-life/api/life/pid");

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
                Json.object(server.get("/it-life/api/life/crash/" + runId).body())
                        .get("status");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> effects(String runId) {
        Map<String, Object> raw = (Map<String, Object>)
                Json.object(server.get("/it-life/api/life/crash/" + runId).body())
                        .get("effects");
        Map<String, Integer> counts = new HashMap<>();
        raw.forEach((k, v) -> counts.put(k, ((Number) v).intValue()));
        return counts;
    }

    private static List<ReceivedSpan> named(String name) {
        return receiver.spans().stream().filter(s -> s.name().equals(name)).toList();
    }

    private static ReceivedSpan only(String name) {
        List<ReceivedSpan> spans = named(name);
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }
}
