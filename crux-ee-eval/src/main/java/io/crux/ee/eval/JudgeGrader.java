package io.crux.ee.eval;

import io.crux.ee.langchain4j.Judge;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/** The {@link Grader} over crux-ee-langchain4j's {@link Judge}: its verdict becomes the score. */
final class JudgeGrader {

    private JudgeGrader() {}

    static Grader of(ModelRegistry registry, String modelName) {
        Judge judge = Judge.of(registry, modelName);
        return (rubric, input, output, expected) -> {
            Judge.Verdict verdict = judge.judge(rubric, input, output, expected);
            return new Score(verdict.score(), verdict.pass(), verdict.reason());
        };
    }
}
