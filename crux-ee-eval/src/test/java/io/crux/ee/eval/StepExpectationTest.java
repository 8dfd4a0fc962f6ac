package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.eval.QuestionFlow.Question;

/** Step expectations are checked on each case's run and decide the case with its scorers. */
class StepExpectationTest {

    private EvaluationReport run(EvalCase<Question> c, StepExpectation... expectations) {
        return Evaluation.of("steps", QuestionFlow::test)
                .cases(DataSet.of(c))
                .expectSteps(expectations)
                .reportsTo(null)
                .run();
    }

    @Test
    void aRunThatMeetsEveryExpectationPasses() {
        EvaluationReport report = run(
                EvalCase.of("retried", new Question("what", 1)),
                StepExpectation.succeeded("plan", "search", "answer"),
                StepExpectation.inOrder("plan", "search", "answer"),
                StepExpectation.attemptsAtMost("search", 2),
                StepExpectation.noFallback(),
                StepExpectation.notRun("translate"));

        CaseResult r = report.result(Evaluation.DEFAULT_VARIANT, "retried");
        assertThat(r.passed()).as(r.problems().toString()).isTrue();
        assertThat(r.stepFailures()).isEmpty();
        assertThat(r.steps()).extracting(s -> s.label()).containsExactly("plan", "search", "answer");
        assertThat(r.steps().get(1).attempts()).isEqualTo(2);
        assertThat(report.summary(Evaluation.DEFAULT_VARIANT).stepPassRate()).isEqualTo(1.0);
    }

    @Test
    void eachMissedExpectationIsOneProblem() {
        EvaluationReport report = run(
                EvalCase.of("bad", new Question("fallback", 2)),
                StepExpectation.succeeded("answer"),
                StepExpectation.inOrder("search", "plan"),
                StepExpectation.attemptsAtMost("search", 2),
                StepExpectation.noFallback("answer"),
                StepExpectation.notRun("search"),
                StepExpectation.succeeded("plan"));

        CaseResult r = report.result(Evaluation.DEFAULT_VARIANT, "bad");
        assertThat(r.completed()).isTrue();
        assertThat(r.output()).isEqualTo("sorry");
        assertThat(r.passed()).isFalse();
        List<String> failures = r.stepFailures();
        assertThat(failures).hasSize(5);
        assertThat(failures.get(0)).contains("answer").contains("FELL_BACK");
        assertThat(failures.get(1)).contains("'plan' after 'search'");
        assertThat(failures.get(2)).contains("at most 2").contains("search took 3");
        assertThat(failures.get(3)).contains("answer fell back");
        assertThat(failures.get(4)).contains("not to run");
        assertThat(report.summary(Evaluation.DEFAULT_VARIANT).stepPassRate()).isZero();
    }

    @Test
    void expectationsApplyOnlyToTheCasesTheyAreFor() {
        EvaluationReport report = Evaluation.of("steps", QuestionFlow::test)
                .cases(DataSet.of(
                        EvalCase.of("greeting", new Question("hello", 0)).withTags("smalltalk"),
                        EvalCase.of("question", new Question("why", 0))))
                .expectSteps(EvalCase.tagged("smalltalk"), StepExpectation.notRun("search"))
                .expectSteps(EvalCase.withId("question"), StepExpectation.succeeded("search"))
                .reportsTo(null)
                .run();

        assertThat(report.failures()).isEmpty();
        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "greeting").output())
                .isEqualTo("hello");
    }

    @Test
    void aFailedRunFailsItsScorersButItsStepsAreStillChecked() {
        EvaluationReport report = Evaluation.of("steps", QuestionFlow::test)
                .cases(DataSet.of(EvalCase.of("crash", new Question("crash", 0), "x")))
                .expectSteps(StepExpectation.succeeded("plan", "search"))
                .scorer("exact", Scorers.equalsExpected())
                .reportsTo(null)
                .run();

        CaseResult r = report.result(Evaluation.DEFAULT_VARIANT, "crash");
        assertThat(r.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(r.failure()).contains("the flow crashed on crash");
        assertThat(r.stepsMet()).isTrue();
        assertThat(r.scores().get("exact").passed()).isFalse();
        assertThat(r.scores().get("exact").explanation()).startsWith("the run did not complete");
        assertThat(r.problems().get(0)).startsWith("run FAILED");
    }
}
