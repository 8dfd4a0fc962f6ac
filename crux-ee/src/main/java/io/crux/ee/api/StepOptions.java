package io.crux.ee.api;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Retry, fallback and timeout settings of one step. Immutable; every {@code withX} method returns a
 * copy, so a constant can be shared between threads.
 *
 * <p>The defaults ({@link #defaults()}) are one attempt, no delay, {@link Backoff#LINEAR}, a
 * {@code maxDelay} of one minute ({@link #DEFAULT_MAX_DELAY}), no jitter, no fallback, no timeout
 * and {@link #isRetryable} as the retry predicate. With
 * {@code attempts = n} the step function runs at most {@code n} times (the first attempt counts).
 * Before retry {@code k} (attempt {@code k + 1}) the engine waits
 * {@link Backoff#delayBefore(Duration, int, Duration) backoff.delayBefore(delay, k, maxDelay)},
 * minus a random part of at most {@code jitter} of it. Waiting holds no thread: the run unwinds and
 * is continued by the container's managed scheduled executor; completed steps replay from their
 * checkpoints.
 *
 * <p>A failure is retried when {@link #shouldRetry()} accepts it. The default predicate refuses
 * {@linkplain #isPolicyTerminal(Throwable) policy-terminal} failures (guardrail blocks, constraint
 * violations, exhausted validation, exceeded limits and tool rounds, nested steps, Bean
 * Validation's {@code ConstraintViolationException}) and accepts everything else. When attempts run out, the {@link #fallback()} runs once with the last
 * failure and its result becomes the step's output; it never runs for a failure that
 * {@code shouldRetry} refused.
 *
 * <pre>{@code
 * StepOptions<Quote> opts = StepOptions.<Quote>retry(4, Duration.ofMillis(200), Backoff.EXPONENTIAL)
 *         .withMaxDelay(Duration.ofSeconds(2))
 *         .withFallback(failure -> Quote.unavailable());
 * }</pre>
 *
 * @param attempts the maximum number of attempts, first included; at least 1
 * @param delay the base delay between attempts; not negative
 * @param backoff how the delay grows
 * @param maxDelay the cap of one delay; not less than {@code delay}
 * @param jitter the fraction of a delay that may be randomly removed, from 0 to 1
 * @param fallback the function that supplies an output when attempts run out, or {@code null}
 * @param shouldRetry decides whether a failure may be retried (and may reach the fallback)
 * @param timeout the limit of one attempt, or {@code null} for none; an attempt over it is
 *     interrupted and counts as failed with a {@link java.util.concurrent.TimeoutException}
 * @param inTransaction whether each attempt runs in a JTA transaction begun by the engine, in which
 *     the step's checkpoint and events are written too ({@link #transactional()})
 * @param <T> the step's output type
 */
public record StepOptions<T>(
        int attempts,
        Duration delay,
        Backoff backoff,
        Duration maxDelay,
        double jitter,
        Function<? super Throwable, ? extends T> fallback,
        Predicate<? super Throwable> shouldRetry,
        Duration timeout,
        boolean inTransaction) {

    /** The default {@code maxDelay}: one minute. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(1);

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if {@code delay}, {@code backoff}, {@code maxDelay} or
     *     {@code shouldRetry} is null
     */
    public StepOptions {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(shouldRetry, "shouldRetry");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1 (the first attempt counts): " + attempts);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        if (maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is less than delay " + delay);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1: " + jitter);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /**
     * Options without a transaction ({@code inTransaction = false}), as before transactional steps
     * existed.
     *
     * @param attempts the maximum number of attempts, first included; at least 1
     * @param delay the base delay between attempts
     * @param backoff how the delay grows
     * @param maxDelay the cap of one delay
     * @param jitter the fraction of a delay that may be randomly removed
     * @param fallback the fallback, or {@code null}
     * @param shouldRetry decides whether a failure may be retried
     * @param timeout the limit of one attempt, or {@code null} for none
     */
    public StepOptions(
            int attempts,
            Duration delay,
            Backoff backoff,
            Duration maxDelay,
            double jitter,
            Function<? super Throwable, ? extends T> fallback,
            Predicate<? super Throwable> shouldRetry,
            Duration timeout) {
        this(attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, false);
    }

    /**
     * One attempt, no delay, no fallback, no timeout, policy-terminal failures not retried.
     *
     * @param <T> the step's output type
     * @return the default options
     */
    public static <T> StepOptions<T> defaults() {
        return new StepOptions<>(
                1, Duration.ZERO, Backoff.LINEAR, DEFAULT_MAX_DELAY, 0.0, null, StepOptions::isRetryable, null, false);
    }

    /**
     * Retry settings with no jitter, no fallback, no timeout and the default retry predicate. The
     * cap ({@code maxDelay}) is one minute, or {@code delay} if that is longer.
     *
     * @param attempts the maximum number of attempts, first included
     * @param delay the base delay
     * @param backoff how the delay grows
     * @param <T> the step's output type
     * @return the options
     * @throws IllegalArgumentException if {@code attempts} is less than 1 or {@code delay} is negative
     * @throws NullPointerException if {@code delay} or {@code backoff} is null
     */
    public static <T> StepOptions<T> retry(int attempts, Duration delay, Backoff backoff) {
        StepOptions<T> d = defaults();
        Duration cap = delay.compareTo(DEFAULT_MAX_DELAY) > 0 ? delay : DEFAULT_MAX_DELAY;
        return new StepOptions<>(attempts, delay, backoff, cap, 0.0, null, d.shouldRetry, null, false);
    }

    /**
     * @param attempts the maximum number of attempts, first included
     * @return a copy with the given attempts
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     */
    public StepOptions<T> withAttempts(int attempts) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * @param delay the base delay
     * @return a copy with the given delay (the cap grows to it if needed)
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws NullPointerException if {@code delay} is null
     */
    public StepOptions<T> withDelay(Duration delay) {
        Duration cap = delay.compareTo(maxDelay) > 0 ? delay : maxDelay;
        return new StepOptions<>(attempts, delay, backoff, cap, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * @param backoff how the delay grows
     * @return a copy with the given backoff
     * @throws NullPointerException if {@code backoff} is null
     */
    public StepOptions<T> withBackoff(Backoff backoff) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * @param maxDelay the cap of one delay
     * @return a copy with the given cap
     * @throws IllegalArgumentException if {@code maxDelay} is less than the delay
     * @throws NullPointerException if {@code maxDelay} is null
     */
    public StepOptions<T> withMaxDelay(Duration maxDelay) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * @param jitter the fraction of a delay that may be randomly removed, from 0 to 1
     * @return a copy with the given jitter
     * @throws IllegalArgumentException if {@code jitter} is not between 0 and 1
     */
    public StepOptions<T> withJitter(double jitter) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * @param fallback supplies the output when attempts run out, or {@code null} for none
     * @return a copy with the given fallback
     */
    public StepOptions<T> withFallback(Function<? super Throwable, ? extends T> fallback) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * Replaces the retry predicate. The predicate sees every failure, policy-terminal ones too, so
     * it can opt such a failure into retries and fallback.
     *
     * @param shouldRetry decides whether a failure may be retried
     * @return a copy with the given predicate
     * @throws NullPointerException if {@code shouldRetry} is null
     */
    public StepOptions<T> withShouldRetry(Predicate<? super Throwable> shouldRetry) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * Limits each attempt. The attempt runs on the run's own thread, which is interrupted when the
     * timeout passes; the attempt then counts as failed with a {@link
     * java.util.concurrent.TimeoutException}, as does one that returns after its timeout. A call
     * that does not answer interruption keeps the run until it returns: give such a call a timeout
     * of its own. A {@linkplain #transactional() transactional} attempt is not interrupted by its
     * own timeout, which is its transaction's: one that outlives it is rolled back.
     *
     * @param timeout the limit of one attempt, or {@code null} for none
     * @return a copy with the given timeout
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public StepOptions<T> withTimeout(Duration timeout) {
        return new StepOptions<>(
                attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, inTransaction);
    }

    /**
     * A copy whose attempts each run in a JTA transaction that the engine begins on the step's thread
     * and commits after it has written the step's checkpoint and events in it: what the step writes
     * through the container's datasources (a {@code @PersistenceContext} entity manager, a
     * {@code @Resource} datasource, a {@code @Transactional} bean that joins) commits together with
     * the record that the step completed, or not at all. A crash, a lost lease or a failed attempt
     * rolls it all back; the retry policy then applies as usual, and a recovered run runs the step
     * again from nothing. So what the step does in the database happens exactly once.
     *
     * <p>A {@linkplain #timeout() timeout} is the transaction's timeout too: an attempt that exceeds it
     * is rolled back and fails with a {@link java.util.concurrent.TimeoutException}. The attempt runs
     * on the step's own thread (the transaction is bound to it), so work the step hands to other
     * threads (parallel branches, child runs) is not in the transaction. Nor are side effects outside
     * transactional resources (an HTTP call, a message to a non-XA broker, a file): for those use
     * {@code FlowScope.idempotencyKey()}. Without a store that keeps runs in a database (the in-memory
     * store) there is no transaction, and the step runs like any other.
     *
     * @return a copy whose attempts are transactional
     */
    public StepOptions<T> transactional() {
        return new StepOptions<>(attempts, delay, backoff, maxDelay, jitter, fallback, shouldRetry, timeout, true);
    }

    /**
     * The wait before retry {@code retry}, before jitter.
     *
     * @param retry the retry number, 1 for the second attempt
     * @return the wait
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public Duration delayBefore(int retry) {
        return backoff.delayBefore(delay, retry, maxDelay);
    }

    /**
     * The default retry predicate: everything but policy-terminal failures.
     *
     * @param failure a failure of an attempt
     * @return {@code true} unless the failure is policy-terminal
     */
    public static boolean isRetryable(Throwable failure) {
        return !isPolicyTerminal(failure);
    }

    /**
     * Whether a failure is policy-terminal: a {@link PolicyTerminal} exception (crux-ee's own are
     * {@link io.crux.ee.api.exception.GuardrailBlockedException},
     * {@link io.crux.ee.api.exception.ConstraintViolatedException},
     * {@link io.crux.ee.api.exception.ValidationExhaustedException},
     * {@link io.crux.ee.api.exception.LimitExceededException},
     * {@link io.crux.ee.api.exception.ToolRoundsExceededException},
     * {@link io.crux.ee.api.exception.NestedStepException}) or Bean Validation's
     * {@code ConstraintViolationException}, directly or as a cause of another failure (up to 64
     * causes deep).
     *
     * @param failure a failure, or {@code null}
     * @return whether it ends the step without retry or fallback by default; {@code false} for
     *     {@code null}
     */
    public static boolean isPolicyTerminal(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 64; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.crux.ee.api.PolicyTerminal
                    || t instanceof jakarta.validation.ConstraintViolationException) {
                return true;
            }
        }
        return false;
    }
}
