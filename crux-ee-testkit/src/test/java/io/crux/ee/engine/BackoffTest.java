package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.crux.ee.api.Backoff;

/** The arithmetic of {@link Backoff#delayBefore}. */
class BackoffTest {

    private static final Duration NO_CAP = Duration.ofNanos(Long.MAX_VALUE);
    private static final Duration MS_100 = Duration.ofMillis(100);

    @ParameterizedTest(name = "LINEAR retry {0} -> {1} ms")
    @CsvSource({"1,100", "2,200", "3,300", "10,1000"})
    void linearIsDelayTimesRetry(int retry, long expectedMillis) {
        assertThat(Backoff.LINEAR.delayBefore(MS_100, retry, NO_CAP)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @ParameterizedTest(name = "EXPONENTIAL retry {0} -> {1} ms")
    @CsvSource({"1,100", "2,200", "3,400", "4,800", "11,102400"})
    void exponentialDoublesPerRetry(int retry, long expectedMillis) {
        assertThat(Backoff.EXPONENTIAL.delayBefore(MS_100, retry, NO_CAP)).isEqualTo(Duration.ofMillis(expectedMillis));
    }

    @Test
    void capLimitsEachDelay() {
        Duration cap = Duration.ofMillis(250);

        assertThat(Backoff.EXPONENTIAL.delayBefore(MS_100, 2, cap)).isEqualTo(Duration.ofMillis(200));
        assertThat(Backoff.EXPONENTIAL.delayBefore(MS_100, 3, cap)).isEqualTo(cap);
        assertThat(Backoff.LINEAR.delayBefore(MS_100, 3, cap)).isEqualTo(cap);
        assertThat(Backoff.LINEAR.delayBefore(MS_100, 1, MS_100)).isEqualTo(MS_100);
    }

    @Test
    void zeroDelayStaysZero() {
        assertThat(Backoff.LINEAR.delayBefore(Duration.ZERO, 1000, NO_CAP)).isZero();
        assertThat(Backoff.LINEAR.delayBefore(Duration.ZERO, Integer.MAX_VALUE, NO_CAP))
                .isZero();
        for (int retry = 1; retry <= 62; retry++) {
            assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ZERO, retry, NO_CAP))
                    .as("retry %d", retry)
                    .isZero();
        }
    }

    @Test
    void zeroDelayStaysZeroForVeryHighExponentialRetries() {
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ZERO, 63, NO_CAP)).isZero();
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ZERO, 1000, Duration.ofMinutes(1)))
                .isZero();
    }

    @Test
    void retryBelowOneIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Backoff.LINEAR.delayBefore(MS_100, 0, NO_CAP))
                .withMessageContaining("retry");
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.EXPONENTIAL.delayBefore(MS_100, -1, NO_CAP));
    }

    @Test
    void linearOverflowSaturatesInsteadOfWrapping() {
        Duration huge = Duration.ofNanos(Long.MAX_VALUE / 2 + 1);
        Duration cap = Duration.ofDays(365);

        assertThat(Backoff.LINEAR.delayBefore(huge, 2, NO_CAP)).isEqualTo(NO_CAP);
        assertThat(Backoff.LINEAR.delayBefore(huge, 2, cap)).isEqualTo(cap);
        assertThat(Backoff.LINEAR.delayBefore(Duration.ofDays(1), Integer.MAX_VALUE, cap))
                .isEqualTo(cap);
    }

    @Test
    void exponentialOverflowSaturatesInsteadOfWrapping() {
        Duration cap = Duration.ofDays(1);

        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofSeconds(1), 40, cap))
                .isEqualTo(cap);
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofSeconds(1), 40, NO_CAP))
                .isEqualTo(NO_CAP);
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(1), 63, NO_CAP))
                .isEqualTo(NO_CAP);
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(1), 64, cap))
                .isEqualTo(cap);
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(1), Integer.MAX_VALUE, cap))
                .isEqualTo(cap);
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(1), 62, NO_CAP))
                .isEqualTo(Duration.ofNanos(1L << 61));
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(2), 62, NO_CAP))
                .isEqualTo(Duration.ofNanos(1L << 62));
        assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofNanos(4), 62, NO_CAP))
                .isEqualTo(NO_CAP);
    }

    @Test
    void resultIsNeverNegative() {
        for (int retry = 1; retry < 200; retry++) {
            assertThat(Backoff.LINEAR.delayBefore(Duration.ofDays(10_000), retry, NO_CAP))
                    .isPositive();
            assertThat(Backoff.EXPONENTIAL.delayBefore(Duration.ofDays(10_000), retry, NO_CAP))
                    .isPositive();
        }
    }
}
