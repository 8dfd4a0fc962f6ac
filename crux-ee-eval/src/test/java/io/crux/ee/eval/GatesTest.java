package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.crux.ee.eval.QuestionFlow.Question;

/** Gates read each variant's summary and fail the evaluation, listing the failed gates and cases. */
class GatesTest {

    /** Four cases: three answered as expected, one whose expected answer is wrong. */
    private Evaluation<Question, String> evaluation() {
        return Evaluation.of("gates", QuestionFlow::test)
                .cases(DataSet.of(
                        EvalCase.of("why", new Question("why", 0), "answer to why (found why)"),
                        EvalCase.of("how", new Question("how", 1), "answer to how (found how)"),
                        EvalCase.of("what", new Question("what", 0), "answer to what (found what)"),
                        EvalCase.of("who", new Question("who", 0), "it was Ada")))
                .scorer("exact", Scorers.equalsExpected())
                .scorer("mentions", Scorers.contains("answer to"))
                .reportsTo(null);
    }

    @Test
    void theSummaryAggregatesTheCases() {
        VariantSummary s = evaluation().run().summary(Evaluation.DEFAULT_VARIANT);

        assertThat(s.cases()).isEqualTo(4);
        assertThat(s.passed()).isEqualTo(3);
        assertThat(s.passRate()).isEqualTo(0.75);
        assertThat(s.completionRate()).isEqualTo(1.0);
        assertThat(s.meanScores()).containsEntry("exact", 0.75).containsEntry("mentions", 1.0);
        assertThat(s.scorerPassRates()).containsEntry("exact", 0.75);
    }

    @Test
    void gatesThatAreReachedPass() {
        EvaluationReport report = evaluation()
                .gate(Gate.passRate(0.75))
                .gate(Gate.meanScore("mentions", 1.0))
                .gate(Gate.stepPassRate(1.0))
                .gate(Gate.completionRate(1.0))
                .run();

        assertThat(report.passed()).isTrue();
        assertThat(report.gates()).hasSize(4).allMatch(GateResult::passed);
        assertThat(report.assertGatesPass()).isSameAs(report);
    }

    @Test
    void aGateNotReachedFailsWithTheGatesAndTheFailingCases() {
        EvaluationReport report = evaluation()
                .gate(Gate.passRate(0.9))
                .gate(Gate.meanScore("mentions", 0.5))
                .gate(Gate.scorerPassRate("exact", 0.8))
                .run();

        assertThat(report.passed()).isFalse();
        assertThat(report.gates()).extracting(GateResult::passed).containsExactly(false, true, false);
        assertThat(report.gates().get(0).actual()).isEqualTo(0.75);
        assertThatThrownBy(report::assertGatesPass)
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("CRUX0304E")
                .hasMessageContaining("FAILED pass rate >= 0.9 [default]: 0.750")
                .hasMessageContaining("FAILED exact pass rate >= 0.8")
                .hasMessageNotContaining("mean mentions")
                .hasMessageContaining("who: exact 0.00: expected \"it was Ada\" but was \"answer to who (found who)\"")
                .hasMessageNotContaining("why:");
    }

    @Test
    void withoutGatesEveryCaseMustPass() {
        EvaluationReport report = evaluation().run();

        assertThat(report.gates()).extracting(GateResult::gate).containsExactly("pass rate >= 1.0");
        assertThat(report.passed()).isFalse();
        assertThat(evaluation()
                        .cases(DataSet.of(EvalCase.of("why", new Question("why", 0), "answer to why (found why)")))
                        .run()
                        .passed())
                .isTrue();
    }

    @Test
    void aGateOnAnUnknownScorerIsRefused() {
        assertThatThrownBy(() -> evaluation().gate(Gate.meanScore("judge", 0.5)).run())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0305E")
                .hasMessageContaining("'judge'")
                .hasMessageContaining("[exact, mentions]");
    }

    @Test
    void aThresholdOverridesTheScorersOwnVerdict() {
        EvaluationReport report = evaluation()
                .scorer("lenient", Scorers.contains("answer", "Ada", "nothing"), 0.3)
                .run();

        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "why").scores().get("lenient"))
                .satisfies(s -> assertThat(s.passed()).isTrue())
                .satisfies(s -> assertThat(s.value()).isEqualTo(1 / 3.0));
        assertThatThrownBy(() -> evaluation().scorer("exact", Scorers.equalsExpected()))
                .hasMessageStartingWith("CRUX0307E");
    }

    @Test
    void aScorerThatThrowsFailsItsScore() {
        EvaluationReport report = evaluation()
                .scorer("broken", s -> {
                    throw new IllegalStateException("no idea");
                })
                .run();

        Score s = report.result(Evaluation.DEFAULT_VARIANT, "why").scores().get("broken");
        assertThat(s.passed()).isFalse();
        assertThat(s.explanation()).contains("the scorer failed").contains("no idea");
    }
}
