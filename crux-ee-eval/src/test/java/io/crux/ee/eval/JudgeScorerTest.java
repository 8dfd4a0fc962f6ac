package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.UserMessage;

import io.crux.ee.eval.QuestionFlow.Question;
import io.crux.ee.langchain4j.ScriptedModel;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/** The judge scorer asks crux-ee-langchain4j's Judge, with the model the run was given or one given to it. */
class JudgeScorerTest {

    private static final String RUBRIC = "The answer repeats the question.";

    @Test
    void theJudgeUsesTheModelRegistryOfTheRun() {
        ScriptedModel judge = ScriptedModel.named("judge")
                .reply(
                        Reply.json("{\"score\": 0.9, \"pass\": true, \"reason\": \"It repeats it.\"}"),
                        Reply.json("{\"score\": 0.2, \"pass\": false, \"reason\": \"It does not.\"}"));
        EvaluationReport report = Evaluation.of(
                        "judged",
                        () -> QuestionFlow.test().service(ModelRegistry.class, ModelRegistry.of("judge", judge)))
                .cases(DataSet.of(
                        EvalCase.of("why", new Question("why", 0), "why"), EvalCase.of("how", new Question("how", 0))))
                .scorer("judge", Scorers.judge("judge", RUBRIC))
                .gate(Gate.meanScore("judge", 0.5))
                .reportsTo(null)
                .run();

        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "why").scores().get("judge"))
                .isEqualTo(new Score(0.9, true, "It repeats it."));
        assertThat(report.result(Evaluation.DEFAULT_VARIANT, "how").scores().get("judge"))
                .isEqualTo(new Score(0.2, false, "It does not."));
        assertThat(report.summary(Evaluation.DEFAULT_VARIANT).meanScores().get("judge"))
                .isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(report.passed()).isTrue();
        String asked = ((UserMessage) judge.requests().get(0).messages().get(1)).singleText();
        assertThat(asked)
                .contains("{\"searchFailures\":0,\"text\":\"why\"}")
                .contains("answer to why (found why)")
                .contains("<EXPECTED>\nwhy\n</EXPECTED>");
    }

    @Test
    void anExplicitRegistryJudgesEveryVariantWithTheSameModel() {
        ScriptedModel judge = ScriptedModel.named("judge");
        judge.when(r -> true).reply(Reply.json("{\"score\": 1.0, \"pass\": true, \"reason\": \"Fine.\"}"));
        EvaluationReport report = Evaluation.of("explicit", QuestionFlow::test)
                .cases(DataSet.of(EvalCase.of("why", new Question("why", 0))))
                .variant("a", t -> {})
                .variant("b", t -> {})
                .scorer("judge", Scorers.judge(ModelRegistry.of("judge", judge), "judge", RUBRIC))
                .reportsTo(null)
                .run();

        assertThat(report.passed()).isTrue();
        assertThat(judge.requests()).hasSize(2);
    }

    @Test
    void withoutARegistryTheJudgeFailsItsScoreClearly() {
        EvaluationReport report = Evaluation.of("no-registry", QuestionFlow::test)
                .cases(DataSet.of(EvalCase.of("why", new Question("why", 0))))
                .scorer("judge", Scorers.judge("judge", RUBRIC))
                .reportsTo(null)
                .run();

        Score s = report.result(Evaluation.DEFAULT_VARIANT, "why").scores().get("judge");
        assertThat(s.passed()).isFalse();
        assertThat(s.explanation()).startsWith("CRUX0306E").contains("'judge'");
    }
}
