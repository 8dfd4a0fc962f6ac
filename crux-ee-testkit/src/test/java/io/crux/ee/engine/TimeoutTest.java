package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.StepFailedException;

/** An attempt that exceeds its timeout is interrupted and counts as a failed attempt. */
class TimeoutTest {

    /** Long enough for a quick attempt on a loaded machine; the first attempt blocks until interrupted. */
    private static final Duration TIMEOUT = Duration.ofMillis(250);

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch firstInterrupted = new CountDownLatch(1);

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.pooled();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** First attempt blocks until interrupted; later ones return at once. */
    private FlowHandle<String, String> register(StepOptions<String> options) {
        return h.register(Flows.flow(
                "timed",
                String.class,
                String.class,
                scope -> scope.step(
                        "slow",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                try {
                                    new CountDownLatch(1).await();
                                } catch (InterruptedException e) {
                                    firstInterrupted.countDown();
                                    throw e;
                                }
                            }
                            return "fast";
                        },
                        options)));
    }

    @Test
    void timedOutAttemptIsInterruptedAndTheNextAttemptCompletes() throws Exception {
        var handle = register(
                StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR).withTimeout(TIMEOUT));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isEqualTo(new FlowResult.Completed<>(result.flowId(), "fast"));
        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS))
                .as("first attempt interrupted")
                .isTrue();
        assertThat(calls).hasValue(2);
        assertThat(handle.get(result.flowId()).orElseThrow().steps())
                .singleElement()
                .satisfies(s -> assertThat(s.attempts()).isEqualTo(2));
        assertThat(h.scheduler.delays()).isEmpty();
    }

    @Test
    void timeoutOnTheLastAttemptFailsTheStepWithATimeoutException() throws Exception {
        var handle = register(StepOptions.<String>defaults().withTimeout(TIMEOUT));

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> handle.run("x"));

        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.stepLabel()).contains("slow");
        assertThat(e.getCause()).isInstanceOf(TimeoutException.class).hasMessageContaining("exceeded its timeout");
        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void timedOutAttemptIsRetriedAfterTheBackoffDelay() throws Exception {
        var handle =
                register(StepOptions.<String>retry(2, ms(100), Backoff.LINEAR).withTimeout(TIMEOUT));

        String id = handle.start("x");
        h.scheduler.awaitScheduled(1, Duration.ofSeconds(10));
        assertThat(h.scheduler.runNext()).isTrue();

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(id)).isEqualTo("fast");
        assertThat(h.scheduler.delays()).containsExactly(ms(100));
        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(2);
    }
}
