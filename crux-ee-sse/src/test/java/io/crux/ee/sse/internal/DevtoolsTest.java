package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.service.FlowService;
import io.crux.ee.service.RunFilter;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.InlineExecutor;

/**
 * The devtools' access rule, views and run stream on an engine with an in-memory store: a run with a
 * step that failed once (its attempt with the message id), suspended on a payload whose schema the
 * detail carries; pages and counts through the service; the stream's wire format.
 */
class DevtoolsTest {

    /** The payload a form signals. */
    public record Approval(boolean approved, String comment) {}

    private ScheduledExecutorService scheduler;
    private FlowEngine engine;
    private FlowService flows;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void engine() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        engine = FlowEngine.builder()
                .store(new InMemoryFlowStore())
                .executor(new InlineExecutor())
                .scheduler(scheduler)
                .build();
        engine.register(new FlowModel(
                "expense",
                true,
                DevtoolsTest.class,
                Map.of("run", new ActionModel("run", String.class, String.class, scope -> {
                    String checked = scope.step(
                            "check",
                            () -> {
                                if (calls.incrementAndGet() == 1) {
                                    throw new IllegalStateException("CRUX0999E: ledger busy");
                                }
                                return "ok";
                            },
                            StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR));
                    Approval a = scope.suspend("approve", Approval.class);
                    return checked + a.approved();
                }))));
        engine.register(new FlowModel(
                "flaky",
                true,
                DevtoolsTest.class,
                Map.of(
                        "run",
                        new ActionModel(
                                "run",
                                String.class,
                                String.class,
                                scope -> scope.step(
                                        "poll",
                                        () -> {
                                            int call = calls.incrementAndGet();
                                            if (call <= 50) {
                                                throw new IllegalStateException(call + " " + "x".repeat(5000));
                                            }
                                            return "ok";
                                        },
                                        StepOptions.<String>retry(
                                                51, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR))))));
        flows = new EngineFlowService(engine);
    }

    @Test
    void aCancelThatLostTheRaceWithTheRunsEndIsAConflict() {
        assertThat(DevtoolsViews.cancelStatus(FlowStatus.CANCELLED)).isEqualTo(200);
        assertThat(DevtoolsViews.cancelStatus(FlowStatus.RUNNING)).isEqualTo(202);
        assertThat(DevtoolsViews.cancelStatus(FlowStatus.SUSPENDED)).isEqualTo(202);
        assertThat(DevtoolsViews.cancelStatus(FlowStatus.COMPLETED)).isEqualTo(409);
        assertThat(DevtoolsViews.cancelStatus(FlowStatus.FAILED)).isEqualTo(409);
        for (FlowStatus s : FlowStatus.values()) {
            assertThat(DevtoolsViews.cancelStatus(s))
                    .as(s.name())
                    .isEqualTo(s == FlowStatus.CANCELLED ? 200 : s.isFinal() ? 409 : 202);
        }
    }

    @Test
    void aPageSizeIsAWholeNumberFromOneToTheLargest() {
        assertThat(DevtoolsViews.pageSize(null, 50, 200)).isEqualTo(50);
        assertThat(DevtoolsViews.pageSize(" ", 50, 200)).isEqualTo(50);
        assertThat(DevtoolsViews.pageSize("1", 50, 200)).isEqualTo(1);
        assertThat(DevtoolsViews.pageSize("200", 50, 200)).isEqualTo(200);
        for (String bad : List.of("abc", "0", "201", "-1", "1.5", "99999999999")) {
            assertThatThrownBy(() -> DevtoolsViews.pageSize(bad, 50, 200))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 to 200");
        }
    }

    @Test
    void aLongRetryKeepsItsFirstAndLastTenAttemptsAndCountsTheOthers() {
        String id = flows.handle("flaky", "run").start("x");
        RunRecord run = flows.run(id).orElseThrow();
        assertThat(run.status()).isEqualTo(FlowStatus.COMPLETED);
        CheckpointRecord poll = flows.checkpoints(id).get(0);
        assertThat(poll.attempts()).isEqualTo(51);
        assertThat(poll.failures())
                .extracting(io.crux.ee.spi.AttemptFailure::attempt)
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50);
        assertThat(poll.failures())
                .allSatisfy(f -> assertThat(f.message()).hasSize(io.crux.ee.spi.AttemptFailure.MESSAGE_LIMIT + 1));

        JsonObject detail = Json.createReader(
                        new java.io.StringReader(DevtoolsViews.json(DevtoolsViews.detail(flows, run))))
                .readObject();
        JsonObject step = detail.getJsonArray("steps").getJsonObject(0);
        assertThat(step.getJsonArray("failures")).hasSize(20);
        assertThat(step.getInt("omitted")).isEqualTo(30);
    }

    @AfterEach
    void close() {
        engine.close();
        scheduler.shutdownNow();
    }

    @Test
    void onlyTheOperatorRoleGetsInAndOnlyWhenTurnedOn() {
        java.security.Principal ann = () -> "ann";
        assertThat(DevtoolsAccess.check(false, "op", ann, r -> true)).isEqualTo(DevtoolsAccess.Verdict.DISABLED);
        assertThat(DevtoolsAccess.check(false, "op", null, r -> false)).isEqualTo(DevtoolsAccess.Verdict.DISABLED);
        assertThat(DevtoolsAccess.check(true, "op", null, r -> true)).isEqualTo(DevtoolsAccess.Verdict.NO_USER);
        assertThat(DevtoolsAccess.check(true, "op", ann, "other"::equals)).isEqualTo(DevtoolsAccess.Verdict.FORBIDDEN);
        assertThat(DevtoolsAccess.check(true, "op", ann, "op"::equals)).isEqualTo(DevtoolsAccess.Verdict.ALLOWED);
        assertThat(DevtoolsAccess.Verdict.FORBIDDEN.status()).isEqualTo(403);
    }

    @Test
    void theDetailShowsTheFailedAttemptAndTheSuspensionsSchema() {
        String id = flows.handle("expense", "run").start("lunch");
        RunRecord run = flows.run(id).orElseThrow();
        assertThat(run.status()).isEqualTo(FlowStatus.SUSPENDED);

        JsonObject detail = Json.createReader(
                        new java.io.StringReader(DevtoolsViews.json(DevtoolsViews.detail(flows, run))))
                .readObject();
        assertThat(detail.getString("status")).isEqualTo("SUSPENDED");
        assertThat(detail.getString("input")).isEqualTo("lunch");
        JsonObject check = detail.getJsonArray("steps").getJsonObject(0);
        assertThat(check.getString("label")).isEqualTo("check");
        assertThat(check.getInt("attempts")).isEqualTo(2);
        assertThat(check.getString("startedAt")).isNotNull();
        JsonObject failure = check.getJsonArray("failures").getJsonObject(0);
        assertThat(failure.getString("messageId", null))
                .as("a plain exception carries none")
                .isNull();
        assertThat(failure.getString("message")).isEqualTo("CRUX0999E: ledger busy");
        assertThat(failure.getJsonNumber("retryWaitMs").longValue()).isZero();
        JsonObject suspension = detail.getJsonObject("suspension");
        assertThat(suspension.getString("name")).isEqualTo("approve");
        assertThat(suspension.getString("payloadType")).isEqualTo(Approval.class.getName());
        assertThat(suspension
                        .getJsonObject("schema")
                        .getJsonObject("properties")
                        .keySet())
                .containsExactlyInAnyOrder("approved", "comment");
        assertThat(detail.getJsonArray("running")).isEmpty();
        assertThat(detail.isNull("failure")).isTrue();
    }

    @Test
    void pagesAndCountsGoThroughTheService() {
        String first = flows.handle("expense", "run").start("a");
        String second = flows.handle("expense", "run").start("b");
        List<RunRecord> page = flows.findRuns(new RunFilter("expense", null, null, null, null, null, null, 1));
        assertThat(page).extracting(RunRecord::flowId).hasSize(1).containsAnyOf(first, second);
        var cursor = DevtoolsViews.cursor(DevtoolsViews.cursor(page.get(0)));
        List<RunRecord> next = flows.findRuns(new RunFilter("expense", null, null, null, null, null, cursor, 10));
        assertThat(next)
                .extracting(RunRecord::flowId)
                .containsExactly(page.get(0).flowId().equals(first) ? second : first);
        assertThat(flows.countByStatus(new RunFilter(null, FlowStatus.COMPLETED, null, null, null, null, null, 1)))
                .isEqualTo(Map.of(FlowStatus.SUSPENDED, 2L));
        assertThat(flows.findRuns(new RunFilter("unknown", null, null, null, null, null, null, 10)))
                .isEmpty();
    }

    @Test
    void aParameterThatDoesNotReadSaysWhatIsExpected() {
        assertThatThrownBy(() -> DevtoolsViews.cursor("not-a-cursor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a `next` of an earlier answer");
        assertThatThrownBy(() -> DevtoolsViews.status("SLEEPING")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DevtoolsViews.instant("yesterday")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DevtoolsViews.status("suspended")).isEqualTo(FlowStatus.SUSPENDED);
    }

    @Test
    void aChildBelongsToTheStepWhoseAttemptsSpanItsCreation() {
        Instant t = Instant.parse("2026-12-06T10:00:00Z");
        List<CheckpointRecord> steps = List.of(
                new CheckpointRecord(
                        "p", 0, "a", CheckpointKind.STEP, null, null, 1, false, t.plusSeconds(1), t, List.of()),
                new CheckpointRecord(
                        "p",
                        1,
                        "b",
                        CheckpointKind.STEP,
                        null,
                        null,
                        1,
                        false,
                        t.plusSeconds(5),
                        t.plusSeconds(2),
                        List.of()));
        assertThat(DevtoolsViews.parentStep(steps, t.plusSeconds(3))).isEqualTo("b");
        assertThat(DevtoolsViews.parentStep(steps, t.plusMillis(1500))).isNull();
    }

    @Test
    void theRunStreamSendsTheDetailAtOnceAndEndsAfterTheRunEnded() throws Exception {
        String id = flows.handle("expense", "run").start("x");
        flows.handleOfRun(id).cancel(id, "test");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DevtoolsStream.run(flows, id, Duration.ofMillis(10), Duration.ofSeconds(15))
                .write(out);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith(": open\n\ndata: {\"type\":\"run.detail\",\"run\":{\"id\":\"" + id + "\"");
        assertThat(text).contains("\"status\":\"CANCELLED\"").endsWith("}\n\n");
        assertThat(text.split("data: ", -1)).as("one event").hasSize(2);
    }
}
