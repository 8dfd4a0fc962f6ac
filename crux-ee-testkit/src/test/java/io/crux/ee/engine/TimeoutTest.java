package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.codec.JsonbPayloadCodec;

/**
 * An attempt that exceeds its timeout is interrupted and counts as a failed attempt; it runs on the
 * run's own thread.
 */
class TimeoutTest {

    /** Long enough for a quick attempt on a loaded machine; the first attempt blocks until interrupted. */
    private static final Duration TIMEOUT = Duration.ofMillis(250);

    private final AtomicInteger calls = new AtomicInteger();
    private final CountDownLatch attempting = new CountDownLatch(1);
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

    /** First attempt says it started and blocks until interrupted; later ones return at once. */
    private FlowHandle<String, String> register(StepOptions<String> options) {
        return h.register(Flows.flow(
                "timed",
                String.class,
                String.class,
                scope -> scope.step(
                        "slow",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                attempting.countDown();
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

    /**
     * A server's executor can be as small as a few threads (WildFly sizes its default from the
     * processors). With every thread held by a run when its timed step starts, an attempt that
     * waited for another thread of the same executor would time out without having run.
     */
    @Test
    void aTimedStepNeedsNoSecondThreadOfTheExecutor() throws Exception {
        int threads = 2;
        CyclicBarrier allRunning = new CyclicBarrier(threads);
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (EngineHarness small = EngineHarness.on(
                new InMemorySessionStore(new JsonbPayloadCodec()), "node-1", Executors.newFixedThreadPool(threads))) {
            FlowHandle<String, String> handle = small.register(Flows.flow("busy", String.class, String.class, scope -> {
                allRunning.await(10, TimeUnit.SECONDS); // every thread of the executor holds a run
                return scope.step(
                        "quick", () -> "done", StepOptions.<String>defaults().withTimeout(Duration.ofSeconds(5)));
            }));
            List<Future<FlowResult<String>>> runs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                String input = "run-" + i;
                runs.add(callers.submit(() -> handle.run(input)));
            }

            for (Future<FlowResult<String>> run : runs) {
                FlowResult<String> result = run.get(30, TimeUnit.SECONDS);
                assertThat(result).isEqualTo(new FlowResult.Completed<>(result.flowId(), "done"));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * The attempt runs on the run's thread: one that does not throw when interrupted keeps the run
     * until it returns, and then counts as timed out; the interrupt, still set when it returns, does
     * not reach the next attempt.
     */
    @Test
    void anAttemptThatReturnsAfterTheInterruptTimesOutAndLeavesNoInterruptBehind() {
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "stubborn",
                String.class,
                String.class,
                scope -> scope.step(
                        "stubborn",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                while (!Thread.currentThread().isInterrupted()) {
                                    LockSupport.park(); // returns when interrupted, leaving the flag set
                                }
                                return "late";
                            }
                            return Thread.currentThread().isInterrupted() ? "interrupted" : "clear";
                        },
                        StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR)
                                .withTimeout(TIMEOUT))));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isEqualTo(new FlowResult.Completed<>(result.flowId(), "clear"));
        assertThat(calls).hasValue(2);
        assertThat(handle.get(result.flowId()).orElseThrow().steps())
                .singleElement()
                .satisfies(s -> assertThat(s.attempts()).isEqualTo(2));
        assertThat(h.store.loadCheckpoints(result.flowId()).get(0).failures())
                .singleElement()
                .satisfies(f -> assertThat(f.type()).isEqualTo(TimeoutException.class.getName()));
    }

    /** A cancel reaches a timed attempt on the run's thread: the run ends cancelled, not retried. */
    @Test
    void aCancelInterruptsATimedAttemptAndTheRunEndsCancelled() throws Exception {
        var handle = register(
                StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR).withTimeout(Duration.ofMinutes(5)));
        String id = handle.start("x");
        assertThat(attempting.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel(id, "enough");

        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS))
                .as("the cancel reached the attempt on the run's thread")
                .isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> h.record(id).status() != FlowStatus.RUNNING);
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(calls).hasValue(1);
    }

    @Test
    void timeoutOnTheLastAttemptFailsTheStepWithATimeoutException() throws Exception {
        var handle = register(StepOptions.<String>defaults().withTimeout(TIMEOUT));

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> handle.run("x"));

        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.stepLabel()).contains("slow");
        assertThat(e.getCause()).isInstanceOf(TimeoutException.class).hasMessageContaining("exceeded its timeout");
        assertThat(e.getCause().getCause()).as("what the attempt ended with").isInstanceOf(InterruptedException.class);
        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void timedOutAttemptIsRetriedAfterTheBackoffDelay() throws Exception {
        var handle =
                register(StepOptions.<String>retry(2, ms(100), Backoff.LINEAR).withTimeout(TIMEOUT));

        String id = handle.start("x");
        h.scheduler.awaitScheduled(1, Duration.ofSeconds(10));
        assertThat(h.scheduler.runNext()).isTrue(); // hands the run back to the executor

        await().atMost(Duration.ofSeconds(10)).until(() -> h.record(id).status() != FlowStatus.RUNNING);
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(id)).isEqualTo("fast");
        assertThat(h.scheduler.delays()).containsExactly(ms(100));
        assertThat(firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls).hasValue(2);
    }
}
