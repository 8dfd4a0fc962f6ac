package io.crux.ee.eval;

import java.util.Objects;

/**
 * What one {@link Scorer} made of one case's output. Immutable.
 *
 * @param value how good the output is, from 0 (worst) to 1 (best)
 * @param passed whether it is good enough for this scorer
 * @param explanation why, for the report; never null
 */
public record Score(double value, boolean passed, String explanation) {

    /**
     * Checks the value.
     *
     * @throws IllegalArgumentException if the value is not between 0 and 1
     */
    public Score {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("A score is between 0 and 1, not " + value);
        }
        Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * @param explanation why
     * @return a passing score of 1
     */
    public static Score pass(String explanation) {
        return new Score(1, true, explanation);
    }

    /**
     * @param explanation why
     * @return a failing score of 0
     */
    public static Score fail(String explanation) {
        return new Score(0, false, explanation);
    }

    /**
     * @param value the value, from 0 to 1
     * @param threshold the least value that passes
     * @param explanation why
     * @return a score that passes when {@code value >= threshold}
     */
    public static Score of(double value, double threshold, String explanation) {
        return new Score(value, value >= threshold, explanation);
    }
}
