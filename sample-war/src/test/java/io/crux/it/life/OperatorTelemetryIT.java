package io.crux.it.life;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
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
 * The operator's view of the sample's expense claims, through MicroProfile Telemetry exporting over
 * OTLP to a receiver in this test: the {@code crux.*} metrics change by what one known claim did,
 * and the trace of a claim suspended across a server restart links the execution after the
 * approval to the first one.
 *
 * <p>The sample across a stop and a start of its server, on this class's server so that the suite
 * starts one server less: the expense flow suspends for a manager; the server stops and starts; the
 * approval signal completes the run, and each step before the suspension ran exactly once (counted
 * in the sample's audit table), as did the sample's observer of the claim's completion.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperatorTelemetryIT {

    private static final String EXPENSES = "/crux-sample/api/expenses";
    private static final String FLOW = "expense-approval";
    private static final String CLAIM =
            "{\"employee\":\"ada\",\"amount\":120.50,\"currency\":\"USD\",\"description\":\"train to Lyon\"}";
    private static final int OTLP_PORT = Integer.getInteger("otlp.port", 14318);

    private static OtlpReceiver receiver;
    private static AppServer server;

    @BeforeAll
    static void startServer() {
        receiver = new OtlpReceiver(OTLP_PORT);
        server = AppServer.create(
                        "cruxOperator",
                        Map.of(
                                "OTEL_TRACES_EXPORTER", "otlp",
                                "OTEL_METRICS_EXPORTER", "otlp",
                                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + OTLP_PORT,
                                "OTEL_BSP_SCHEDULE_DELAY", "100",
                                "OTEL_METRIC_EXPORT_INTERVAL", "500",
                                "OTEL_SERVICE_NAME", "crux-operator-it",
                                // the suspended runs are counted at each maintenance pass
                                "CRUX_MAINTENANCE_INTERVAL", "PT1S"))
                .deploy(Path.of(System.getProperty("sample.war")));
        server.start(EXPENSES);
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

    /** The series of the expense flow with more attributes. */
    private static Map<String, String> flow(String... more) {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("crux.flow.name", FLOW);
        for (int i = 0; i < more.length; i += 2) {
            attributes.put(more[i], more[i + 1]);
        }
        return attributes;
    }

    /** What the receiver holds now of the series the test looks at. */
    private static Map<String, Double> snapshot() {
        Map<String, Double> values = new HashMap<>();
        values.put("started", receiver.latest("crux.run.started", flow()));
        values.put("failed", receiver.latest("crux.step.attempts", flow("crux.step.outcome", "failed")));
        values.put("succeeded", receiver.latest("crux.step.attempts", flow("crux.step.outcome", "succeeded")));
        values.put("retries", receiver.latest("crux.step.retries", flow()));
        values.put("completed", receiver.latest("crux.run.ended", flow("crux.run.outcome", "completed")));
        values.put("runDurations", receiver.latest("crux.run.duration", flow("crux.run.outcome", "completed")));
        values.put("stepDurations", receiver.latest("crux.step.duration", flow("crux.step.outcome", "succeeded")));
        values.put("running", receiver.latest("crux.runs.running", flow()));
        values.put("suspended", receiver.latest("crux.runs.suspended", flow()));
        return values;
    }

    private static void awaitChange(Map<String, Double> before, Map<String, Double> expectedDelta) {
        await("metrics exported").atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            Map<String, Double> now = snapshot();
            Map<String, Double> delta = new HashMap<>();
            expectedDelta.keySet().forEach(k -> delta.put(k, now.get(k) - before.get(k)));
            assertThat(delta).isEqualTo(expectedDelta);
        });
    }

    @Test
    @Order(1)
    void metricsChangeByWhatAClaimDid() {
        // The counters start at 0 in this server. The suspended runs are a gauge of the whole database,
        // which on PostgreSQL holds the claims other tests left waiting: its baseline is its first
        // exported count, not 0.
        await("the first count of the suspended runs")
                .atMost(Duration.ofMinutes(1))
                .until(() -> receiver.latestPoint("crux.runs.suspended", flow()).isPresent());
        Map<String, Double> before = snapshot();

        HttpResponse<String> submitted = server.post(EXPENSES, CLAIM);
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = (String) Json.object(submitted.body()).get("id");

        // the sample's rate service fails every other call, its first included: convert-currency
        // fails once and is retried; check-policy runs once; the run suspends for a manager
        awaitChange(
                before,
                Map.of(
                        "started", 1.0,
                        "failed", 1.0,
                        "retries", 1.0,
                        "succeeded", 2.0,
                        "stepDurations", 2.0,
                        "completed", 0.0,
                        "running", 0.0,
                        "suspended", 1.0));
        assertThat(receiver.latestPoint("crux.runs.running", flow()))
                .as("the running runs are exported, as zero once the claim waits")
                .isPresent();

        HttpResponse<String> approved = server.post(
                EXPENSES + "/" + id + "/approval", "{\"approved\":true,\"manager\":\"grace\",\"comment\":\"fine\"}");
        assertThat(approved.statusCode()).isEqualTo(200);

        awaitChange(
                before,
                Map.of(
                        "started", 1.0,
                        "failed", 1.0,
                        "retries", 1.0,
                        "succeeded", 3.0,
                        "stepDurations", 3.0,
                        "completed", 1.0,
                        "runDurations", 1.0,
                        "running", 0.0,
                        "suspended", 0.0));
        OtlpReceiver.ReceivedPoint duration = receiver.latestPoint(
                        "crux.run.duration", flow("crux.run.outcome", "completed"))
                .orElseThrow();
        assertThat(duration.unit()).isEqualTo("s");
        assertThat(duration.sum()).isPositive();
        assertThat(receiver.latestPoint("crux.run.started", flow())
                        .orElseThrow()
                        .monotonic())
                .isTrue();
    }

    @Test
    @Order(2)
    void theTraceOfAClaimSuspendedAcrossARestartLinksTheApprovalToTheSubmission() {
        HttpResponse<String> submitted = server.post(EXPENSES, CLAIM);
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = (String) Json.object(submitted.body()).get("id");
        ReceivedSpan first = await("the first execution's span")
                .atMost(Duration.ofMinutes(1))
                .until(() -> runSpans(id), spans -> spans.size() == 1)
                .get(0);

        server.stop();
        server.start(EXPENSES);
        HttpResponse<String> approved = server.post(
                EXPENSES + "/" + id + "/approval", "{\"approved\":true,\"manager\":\"grace\",\"comment\":\"fine\"}");
        assertThat(approved.statusCode()).isEqualTo(200);

        ReceivedSpan second = await("the span of the execution after the approval")
                .atMost(Duration.ofMinutes(1))
                .until(() -> runSpans(id), spans -> spans.size() == 2)
                .get(1);
        assertThat(second.spanId()).isNotEqualTo(first.spanId());
        assertThat(second.links()).containsExactly(first.traceId() + "-" + first.spanId());
        assertThat(first.links()).isEmpty();
        // each execution is in the trace of the request that caused it: the submission, the approval
        assertThat(second.traceId()).isNotEqualTo(first.traceId());
        await("the requests' spans").atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(parentOf(first)).isNotNull();
            assertThat(parentOf(second)).isNotNull();
        });
    }

    @Test
    @Order(3)
    @SuppressWarnings("unchecked")
    void suspendedRunSurvivesARestartAndCompletesOnSignal() {
        HttpResponse<String> submitted = server.post(
                EXPENSES,
                "{\"employee\":\"ada\",\"amount\":120.50,\"currency\":\"USD\",\"description\":\"train to Lyon\"}");
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = (String) Json.object(submitted.body()).get("id");
        assertThat(Json.object(submitted.body())).containsEntry("status", "WAITING_FOR_MANAGER");

        server.stop();
        server.start(EXPENSES);

        Map<String, Object> run = (Map<String, Object>)
                Json.object(server.get(EXPENSES + "/" + id).body()).get("run");
        assertThat(run).containsEntry("status", "SUSPENDED").containsEntry("suspensionName", "manager-approval");

        HttpResponse<String> approved = server.post(
                EXPENSES + "/" + id + "/approval", "{\"approved\":true,\"manager\":\"grace\",\"comment\":\"fine\"}");
        assertThat(approved.statusCode()).isEqualTo(200);
        Map<String, Object> decision =
                (Map<String, Object>) Json.object(approved.body()).get("decision");
        assertThat(decision).containsEntry("outcome", "APPROVED").containsEntry("decidedBy", "grace");

        Map<String, Object> after = Json.object(server.get(EXPENSES + "/" + id).body());
        assertThat((Map<String, Object>) after.get("run")).containsEntry("status", "COMPLETED");
        assertThat((Map<String, Object>) after.get("sideEffects"))
                // claim-completed: the sample's observer of RunCompleted, told once after the restart
                .containsOnlyKeys("convert-currency", "check-policy", "book-payment", "claim-completed")
                .allSatisfy((step, count) ->
                        assertThat(((Number) count).intValue()).as(step).isEqualTo(1));
        // booked in a transactional step: one payment row, the one the decision names
        assertThat((List<Map<String, Object>>) after.get("payments"))
                .singleElement()
                .satisfies(p -> assertThat(p.get("reference"))
                        .isEqualTo(decision.get("paymentReference"))
                        .asString()
                        .startsWith("PAY-"));

        HttpResponse<String> again =
                server.post(EXPENSES + "/" + id + "/approval", "{\"approved\":true,\"manager\":\"grace\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(again.body()).contains("CRUX0021E");
    }

    private static List<ReceivedSpan> runSpans(String id) {
        return receiver.spans().stream()
                .filter(s -> s.name().equals("crux.flow " + FLOW)
                        && id.equals(s.attributes().get("crux.flow.id")))
                .toList();
    }

    private static ReceivedSpan parentOf(ReceivedSpan span) {
        assertThat(span.parentSpanId()).as("the parent of " + span).isNotEmpty();
        return receiver.spans().stream()
                .filter(s ->
                        s.spanId().equals(span.parentSpanId()) && s.traceId().equals(span.traceId()))
                .findFirst()
                .orElse(null);
    }
}
