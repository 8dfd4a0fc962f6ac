package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.eval.QuestionFlow.Question;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.StepRecord;

/** Production runs read from a {@code FlowStore}: the query's runs, their inputs, outputs and step timings. */
class ProductionRunsStoreTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    private final InMemoryFlowStore store = new InMemoryFlowStore();

    private void run(
            String id,
            String flow,
            FlowStatus status,
            String inputJson,
            String outputJson,
            Instant created,
            Duration took,
            String session) {
        store.createRun(new RunRecord(
                id,
                flow,
                "ask",
                status,
                null,
                session,
                "ada",
                null,
                false,
                new Payload(Question.class.getName(), inputJson),
                outputJson == null ? null : new Payload(String.class.getName(), outputJson),
                status == FlowStatus.FAILED ? "boom" : null,
                null,
                null,
                null,
                created,
                created.plus(took),
                3));
    }

    private void step(
            String id,
            int position,
            String label,
            CheckpointKind kind,
            int attempts,
            boolean fallback,
            Instant started,
            Instant completed) {
        store.saveCheckpoint(new CheckpointRecord(
                id,
                position,
                label,
                kind,
                null,
                new Payload(null, "\"x\""),
                attempts,
                fallback,
                completed,
                started,
                List.<AttemptFailure>of()));
    }

    private void fill() {
        run(
                "r1",
                "questions",
                FlowStatus.COMPLETED,
                "{\"text\":\"why\",\"searchFailures\":0}",
                "\"answer to why (found why)\"",
                T0,
                Duration.ofMillis(900),
                "s-1");
        step("r1", 0, "plan", CheckpointKind.STEP, 1, false, T0.plusMillis(10), T0.plusMillis(60));
        step("r1", 1, "search", CheckpointKind.STEP, 3, false, T0.plusMillis(70), T0.plusMillis(570));
        step("r1", 2, "note", CheckpointKind.EMIT, 1, false, null, T0.plusMillis(580));
        step("r1", 3, "answer", CheckpointKind.STEP, 1, true, T0.plusMillis(590), T0.plusMillis(890));
        run(
                "r2",
                "questions",
                FlowStatus.COMPLETED,
                "{\"text\":\"hello\",\"searchFailures\":0}",
                "\"hi\"",
                T0.plusSeconds(60),
                Duration.ofMillis(100),
                "s-2");
        step(
                "r2",
                0,
                "plan",
                CheckpointKind.STEP,
                1,
                false,
                T0.plusSeconds(60),
                T0.plusSeconds(60).plusMillis(40));
        run(
                "r3",
                "questions",
                FlowStatus.FAILED,
                "{\"text\":\"crash\",\"searchFailures\":0}",
                null,
                T0.plusSeconds(120),
                Duration.ofMillis(300),
                "s-1");
        run(
                "r4",
                "questions",
                FlowStatus.COMPLETED,
                "{\"text\":\"later\",\"searchFailures\":0}",
                "\"x\"",
                T0.plusSeconds(3600),
                Duration.ofMillis(10),
                "s-1");
        run(
                "o1",
                "other",
                FlowStatus.COMPLETED,
                "{\"text\":\"why\",\"searchFailures\":0}",
                "\"x\"",
                T0.plusSeconds(30),
                Duration.ofMillis(10),
                "s-1");
    }

    private static RunQuery query(FlowStatus status, String session, int limit) {
        return new RunQuery(Set.of("questions"), status, null, session, T0, T0.plusSeconds(3600), null, 0, limit);
    }

    @Test
    void theQuerysRunsBecomeCasesNewestFirstWithTheirBaselines() {
        fill();

        ProductionRuns<Question> cases =
                ProductionRuns.fromStore(store, query(null, null, 50)).inputs(Question.class);

        assertThat(cases.name()).isEqualTo("runs of questions");
        assertThat(cases.cases()).extracting(EvalCase::id).containsExactly("r3", "r2", "r1");
        EvalCase<Question> r1 = cases.cases().get(2);
        assertThat(r1.input()).isEqualTo(new Question("why", 0));
        assertThat(r1.baseline().output()).isEqualTo("answer to why (found why)");
        assertThat(r1.baseline().duration()).isEqualTo(Duration.ofMillis(900));
        assertThat(r1.baseline().steps())
                .containsExactly(
                        new StepRecord("plan", StepRecord.Status.SUCCEEDED, 1, 0, Duration.ofMillis(50)),
                        new StepRecord("search", StepRecord.Status.SUCCEEDED, 3, 1, Duration.ofMillis(500)),
                        new StepRecord("answer", StepRecord.Status.FELL_BACK, 1, 2, Duration.ofMillis(300)));
        EvalCase<Question> r3 = cases.cases().get(0);
        assertThat(r3.baseline().status()).isEqualTo(FlowStatus.FAILED);
        assertThat(r3.baseline().output()).isNull();
        assertThat(r3.baseline().steps()).isEmpty();
    }

    @Test
    void statusSessionAndLimitFilter() {
        fill();

        assertThat(ProductionRuns.fromStore(store, query(FlowStatus.COMPLETED, null, 50))
                        .inputs(Question.class)
                        .cases())
                .extracting(EvalCase::id)
                .containsExactly("r2", "r1");
        assertThat(ProductionRuns.fromStore(store, query(null, "s-1", 50))
                        .inputs(Question.class)
                        .cases())
                .extracting(EvalCase::id)
                .containsExactly("r3", "r1");
        assertThat(ProductionRuns.fromStore(store, query(null, null, 1))
                        .inputs(Question.class)
                        .cases())
                .extracting(EvalCase::id)
                .containsExactly("r3");
    }

    @Test
    void rerunAgainstTheCurrentCodeAndReportBesideTheStoredRun() throws Exception {
        fill();

        EvaluationReport report = Evaluation.of("store rerun", QuestionFlow::test)
                .cases(ProductionRuns.fromStore(store, query(FlowStatus.COMPLETED, null, 50))
                        .expectStoredOutput()
                        .inputs(Question.class))
                .scorer("same answer", Scorers.equalsExpected())
                .gate(Gate.passRate(0.5))
                .reportsTo(dir)
                .run();

        assertThat(report.result("default", "r1").passed()).isTrue();
        assertThat(report.result("default", "r2").passed()).isFalse(); // stored "hi", the code says "hello" now
        report.assertGatesPass();
        assertThat(Files.readString(dir.resolve("store_rerun.md")))
                .contains("| r1 | default | COMPLETED | COMPLETED | 900.0 ms |")
                .contains("| plan 50.0 ms, search 500.0 ms x3, answer 300.0 ms FELL_BACK | plan ");
    }

    @Test
    void anInputOfAnotherShapeIsRefusedWithTheRunsId() {
        run("bad", "questions", FlowStatus.COMPLETED, "[1, 2]", "\"x\"", T0, Duration.ofMillis(1), null);

        assertThatThrownBy(() ->
                        ProductionRuns.fromStore(store, query(null, null, 5)).inputs(Question.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0317E")
                .hasMessageContaining("run bad of 'questions'");
    }
}
