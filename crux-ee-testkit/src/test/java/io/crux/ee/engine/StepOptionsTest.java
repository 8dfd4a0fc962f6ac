package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.Set;

import jakarta.validation.ConstraintViolationException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.ConstraintViolatedException;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.ValidationExhaustedException;

/** The checks and copies of {@link StepOptions}. */
class StepOptionsTest {

    private static final StepOptions<String> BASE = StepOptions.defaults();

    @Test
    void defaultsAreOneAttemptWithoutFallbackOrTimeout() {
        assertThat(BASE.attempts()).isEqualTo(1);
        assertThat(BASE.delay()).isZero();
        assertThat(BASE.backoff()).isEqualTo(Backoff.LINEAR);
        assertThat(BASE.maxDelay()).isEqualTo(StepOptions.DEFAULT_MAX_DELAY);
        assertThat(BASE.jitter()).isZero();
        assertThat(BASE.fallback()).isNull();
        assertThat(BASE.timeout()).isNull();
        assertThat(BASE.shouldRetry().test(new IllegalStateException())).isTrue();
        assertThat(BASE.shouldRetry().test(new GuardrailBlockedException("no"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void attemptsBelowOneAreRefused(int attempts) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BASE.withAttempts(attempts))
                .withMessageContaining("attempts");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StepOptions.retry(attempts, Duration.ZERO, Backoff.LINEAR));
    }

    @Test
    void negativeDelayIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BASE.withDelay(Duration.ofMillis(-1)))
                .withMessageContaining("delay");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> StepOptions.retry(2, Duration.ofNanos(-1), Backoff.LINEAR));
    }

    @Test
    void maxDelayBelowDelayIsRefused() {
        StepOptions<String> retry = StepOptions.retry(2, Duration.ofSeconds(1), Backoff.LINEAR);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> retry.withMaxDelay(Duration.ofMillis(999)))
                .withMessageContaining("maxDelay");
        assertThat(retry.withMaxDelay(Duration.ofSeconds(1)).maxDelay()).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void jitterOutsideZeroToOneIsRefused(double jitter) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BASE.withJitter(jitter))
                .withMessageContaining("jitter");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 1.0})
    void jitterFromZeroToOneIsAccepted(double jitter) {
        assertThat(BASE.withJitter(jitter).jitter()).isEqualTo(jitter);
    }

    @Test
    void timeoutMustBePositive() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BASE.withTimeout(Duration.ZERO))
                .withMessageContaining("timeout");
        assertThatIllegalArgumentException().isThrownBy(() -> BASE.withTimeout(Duration.ofMillis(-5)));
        assertThat(BASE.withTimeout(null).timeout()).isNull();
        assertThat(BASE.withTimeout(Duration.ofMillis(1)).timeout()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void requiredValuesMustNotBeNull() {
        assertThatNullPointerException().isThrownBy(() -> BASE.withBackoff(null));
        assertThatNullPointerException().isThrownBy(() -> BASE.withShouldRetry(null));
        assertThatNullPointerException().isThrownBy(() -> BASE.withMaxDelay(null));
        assertThatNullPointerException()
                .isThrownBy(() ->
                        new StepOptions<String>(1, null, Backoff.LINEAR, Duration.ZERO, 0, null, t -> true, null));
    }

    @Test
    void retryRaisesTheCapToALongDelay() {
        StepOptions<String> longDelay = StepOptions.retry(3, Duration.ofMinutes(5), Backoff.EXPONENTIAL);

        assertThat(longDelay.maxDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(longDelay.delayBefore(3)).isEqualTo(Duration.ofMinutes(5));
        assertThat(StepOptions.retry(3, Duration.ofSeconds(1), Backoff.LINEAR).maxDelay())
                .isEqualTo(StepOptions.DEFAULT_MAX_DELAY);
    }

    @Test
    void withDelayRaisesTheCapWhenNeeded() {
        StepOptions<String> opts = BASE.withDelay(Duration.ofMinutes(2));

        assertThat(opts.delay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(opts.maxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(BASE.withDelay(Duration.ofSeconds(1)).maxDelay()).isEqualTo(StepOptions.DEFAULT_MAX_DELAY);
    }

    @Test
    void copiesKeepTheOtherSettings() {
        StepOptions<String> opts = StepOptions.<String>retry(4, Duration.ofMillis(100), Backoff.EXPONENTIAL)
                .withMaxDelay(Duration.ofSeconds(2))
                .withJitter(0.25)
                .withTimeout(Duration.ofSeconds(3))
                .withFallback(t -> "fb")
                .withAttempts(5);

        assertThat(opts.attempts()).isEqualTo(5);
        assertThat(opts.delay()).isEqualTo(Duration.ofMillis(100));
        assertThat(opts.backoff()).isEqualTo(Backoff.EXPONENTIAL);
        assertThat(opts.maxDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(opts.jitter()).isEqualTo(0.25);
        assertThat(opts.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(opts.fallback().apply(new RuntimeException())).isEqualTo("fb");
        assertThat(opts.delayBefore(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(opts.delayBefore(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(opts.delayBefore(10)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void policyTerminalFailuresAreRecognisedDirectlyAndAsCauses() {
        assertThat(StepOptions.isPolicyTerminal(new GuardrailBlockedException("g")))
                .isTrue();
        assertThat(StepOptions.isPolicyTerminal(new ConstraintViolatedException("c")))
                .isTrue();
        assertThat(StepOptions.isPolicyTerminal(new ValidationExhaustedException("v")))
                .isTrue();
        assertThat(StepOptions.isPolicyTerminal(new ConstraintViolationException("bv", Set.of())))
                .isTrue();
        assertThat(StepOptions.isPolicyTerminal(new RuntimeException(
                        "outer", new IllegalStateException("mid", new GuardrailBlockedException("g")))))
                .isTrue();

        assertThat(StepOptions.isPolicyTerminal(new IllegalStateException("plain")))
                .isFalse();
        assertThat(StepOptions.isPolicyTerminal(null)).isFalse();
        assertThat(StepOptions.isRetryable(new IllegalStateException("plain"))).isTrue();
        assertThat(StepOptions.isRetryable(new ValidationExhaustedException("v")))
                .isFalse();
    }
}
