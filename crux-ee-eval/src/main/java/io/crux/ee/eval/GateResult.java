package io.crux.ee.eval;

/**
 * The verdict of one {@link Gate} on one variant. Immutable.
 *
 * @param gate what the gate requires
 * @param variant the variant it was checked on
 * @param passed whether the variant reached it
 * @param actual the variant's value, or {@code NaN} if it has none (a gate on an unknown scorer)
 */
public record GateResult(String gate, String variant, boolean passed, double actual) {

    @Override
    public String toString() {
        return (passed ? "PASSED " : "FAILED ") + gate + " [" + variant + "]: "
                + (Double.isNaN(actual) ? "no such metric" : String.format(java.util.Locale.ROOT, "%.3f", actual));
    }
}
