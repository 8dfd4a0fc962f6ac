package io.crux.ee.eval;

import java.util.Objects;
import java.util.Optional;

/**
 * A threshold that an evaluation must reach for the build to pass, checked on each variant's
 * {@link VariantSummary}: {@link EvaluationReport#assertGatesPass()} and the dynamic test
 * {@code gates} fail when one is not reached by one variant.
 *
 * <pre>{@code
 * evaluation.gate(Gate.passRate(0.9)).gate(Gate.meanScore("judge", 0.7)).gate(Gate.stepPassRate(1.0));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param description what it requires, for the report
 * @param scorer the scorer whose scores it reads, or {@code null} for a gate on the whole case
 * @param metric what it reads from a variant's summary; empty when the summary has no such metric
 * @param minimum the least value that passes
 */
public record Gate(String description, String scorer, Metric metric, double minimum) {

    /** Reads one number from a variant's summary. */
    @FunctionalInterface
    public interface Metric {
        /**
         * @param summary a variant's summary
         * @return the number, or empty when the summary lacks it (a gate on an unknown scorer)
         */
        Optional<Double> read(VariantSummary summary);
    }

    /** Checks the fields. */
    public Gate {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(metric, "metric");
        if (!(minimum >= 0 && minimum <= 1)) {
            throw new IllegalArgumentException("A gate's minimum is between 0 and 1, not " + minimum);
        }
    }

    /**
     * @param minimum the least share of cases that must pass (completed, met their step expectations
     *     and passed every scorer)
     * @return the gate
     */
    public static Gate passRate(double minimum) {
        return new Gate("pass rate >= " + minimum, null, s -> Optional.of(s.passRate()), minimum);
    }

    /**
     * @param scorer a scorer's name
     * @param minimum the least mean value of its scores over the cases
     * @return the gate
     */
    public static Gate meanScore(String scorer, double minimum) {
        return new Gate(
                "mean " + scorer + " >= " + minimum,
                scorer,
                s -> Optional.ofNullable(s.meanScores().get(scorer)),
                minimum);
    }

    /**
     * @param scorer a scorer's name
     * @param minimum the least share of cases whose score of it passed
     * @return the gate
     */
    public static Gate scorerPassRate(String scorer, double minimum) {
        return new Gate(
                scorer + " pass rate >= " + minimum,
                scorer,
                s -> Optional.ofNullable(s.scorerPassRates().get(scorer)),
                minimum);
    }

    /**
     * @param minimum the least share of cases whose run met every step expectation
     * @return the gate
     */
    public static Gate stepPassRate(double minimum) {
        return new Gate("step expectation pass rate >= " + minimum, null, s -> Optional.of(s.stepPassRate()), minimum);
    }

    /**
     * @param minimum the least share of cases whose run completed
     * @return the gate
     */
    public static Gate completionRate(double minimum) {
        return new Gate("completion rate >= " + minimum, null, s -> Optional.of(s.completionRate()), minimum);
    }

    /**
     * @param summary a variant's summary
     * @return the verdict of this gate on it
     */
    public GateResult check(VariantSummary summary) {
        Optional<Double> actual = metric.read(summary);
        return new GateResult(
                description,
                summary.variant(),
                actual.isPresent() && actual.get() >= minimum,
                actual.orElse(Double.NaN));
    }
}
