package io.crux.ee.eval;

/**
 * Grades an output against a rubric, as an LLM judge does: what {@link Scorers#judge(Grader, String)}
 * calls. {@link Scorers#judge(String, String)} makes one from crux-ee-langchain4j's
 * {@code io.crux.ee.langchain4j.Judge}; a test can give a fake one. Implementations are thread-safe.
 */
@FunctionalInterface
public interface Grader {

    /**
     * @param rubric what a good output is, in plain words
     * @param input the case's input as text (JSON for objects)
     * @param output the output as text
     * @param expected the case's expected value as text, or {@code null}
     * @return the grade
     */
    Score grade(String rubric, String input, String output, String expected);
}
