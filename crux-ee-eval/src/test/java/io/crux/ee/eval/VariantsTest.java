package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crux.ee.eval.QuestionFlow.Question;

/** The same cases under two configurations, compared side by side. */
class VariantsTest {

    @Test
    void eachVariantRunsEveryCaseAndTheReportComparesThem() {
        EvaluationReport report = Evaluation.of("styles", QuestionFlow::test)
                .cases(DataSet.of(
                        EvalCase.of("why", new Question("why", 0), "answer to why"),
                        EvalCase.of("hello", new Question("hello", 0), "hello")))
                .variant("plain", t -> t.sessionState(Map.of("style", "plain")))
                .variant("loud", t -> t.sessionState(Map.of("style", "loud")))
                .scorer("mentions", Scorers.containsExpected())
                .gate(Gate.passRate(1.0))
                .reportsTo(null)
                .run();

        assertThat(report.variants()).containsExactly("plain", "loud");
        assertThat(report.results()).hasSize(4);
        assertThat(report.result("plain", "why").output()).isEqualTo("answer to why (found why)");
        assertThat(report.result("loud", "why").output()).isEqualTo("ANSWER TO WHY (FOUND WHY)");
        assertThat(report.summary("plain").passRate()).isEqualTo(1.0);
        assertThat(report.summary("loud").passRate()).isZero();
        assertThat(report.summary("loud").meanScores()).containsEntry("mentions", 0.0);

        List<EvaluationReport.Difference> differences = report.differences();
        assertThat(differences).extracting(EvaluationReport.Difference::caseId).containsExactly("why", "hello");
        assertThat(differences.get(0).results().get("loud").passed()).isFalse();
        assertThat(report.gates())
                .extracting(GateResult::variant, GateResult::passed)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("plain", true),
                        org.assertj.core.groups.Tuple.tuple("loud", false));
        assertThat(report.passed()).isFalse();
    }

    @Test
    void casesThatScoreTheSameAreNoDifference() {
        EvaluationReport report = Evaluation.of("same", QuestionFlow::test)
                .cases(DataSet.of(
                        EvalCase.of("why", new Question("why", 0), "why"),
                        EvalCase.of("hello", new Question("hello", 0), "x")))
                .variant("plain", t -> t.sessionState(Map.of("style", "plain")))
                .variant("loud", t -> t.sessionState(Map.of("style", "loud")))
                .scorer("mentions", Scorers.containsExpected())
                .reportsTo(null)
                .run();

        assertThat(report.differences())
                .as("'why' passes in both (the loud answer says WHY), 'hello' fails in both")
                .extracting(EvaluationReport.Difference::caseId)
                .containsExactly("why");
    }

    @Test
    void theFactoryMayGiveEachCaseItsOwnTest() {
        EvaluationReport report = Evaluation.<Question, String>of(
                        "per-case",
                        c -> QuestionFlow.test()
                                .sessionState(Map.of("style", c.tags().get(0))))
                .cases(DataSet.of(
                        EvalCase.of("a", new Question("hello", 0)).withTags("loud"),
                        EvalCase.of("b", new Question("hello", 0)).withTags("plain")))
                .reportsTo(null)
                .run();

        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "a").output()).isEqualTo("HELLO!");
        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "b").output()).isEqualTo("hello");
    }

    @Test
    void aBlockIsEvaluatedThroughTheTestKitsTestBlock() {
        io.crux.ee.block.Handler<String, String> shout =
                io.crux.ee.block.Handler.of("shout", (text, ctx) -> text.toUpperCase(java.util.Locale.ROOT));
        EvaluationReport report = Evaluation.<String, String>of(
                        "block", () -> io.crux.ee.testkit.CruxTest.testBlock(shout))
                .cases(DataSet.of(EvalCase.of("hi", "hi", "HI"), EvalCase.of("yo", "yo", "yo")))
                .expectSteps(StepExpectation.succeeded("shout"))
                .scorer("exact", Scorers.equalsExpected())
                .reportsTo(null)
                .run();

        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "hi").passed()).isTrue();
        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "yo").problems())
                .containsExactly("exact 0.00: expected \"yo\" but was \"YO\"");
    }
}
