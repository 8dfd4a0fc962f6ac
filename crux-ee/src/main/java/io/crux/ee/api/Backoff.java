package io.crux.ee.api;

import java.time.Duration;

/**
 * How the wait before a step retry grows with the retry number. {@link StepOptions#defaults()} uses
 * {@link #LINEAR}. Stateless and thread-safe.
 */
public enum Backoff {
    /** Waits {@code delay × n} before retry {@code n}. */
    LINEAR,
    /** Waits {@code delay × 2^(n−1)} before retry {@code n}. */
    EXPONENTIAL;

    /**
     * The wait before retry {@code retry} (1 for the first retry, which is the second attempt),
     * before jitter, capped by {@code maxDelay}.
     *
     * @param delay the base delay
     * @param retry the retry number, at least 1
     * @param maxDelay the cap
     * @return the wait, at most {@code maxDelay}; zero when {@code delay} is zero
     * @throws IllegalArgumentException if {@code retry} is less than 1
     * @throws NullPointerException if {@code delay} is null
     */
    public Duration delayBefore(Duration delay, int retry, Duration maxDelay) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1: " + retry);
        }
        long base = delay.toNanos();
        if (base == 0) {
            return Duration.ZERO;
        }
        long nanos;
        if (this == LINEAR) {
            nanos = saturatedMultiply(base, retry);
        } else {
            nanos = retry > 62 ? Long.MAX_VALUE : saturatedMultiply(base, 1L << (retry - 1));
        }
        return nanos > maxDelay.toNanos() ? maxDelay : Duration.ofNanos(nanos);
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
