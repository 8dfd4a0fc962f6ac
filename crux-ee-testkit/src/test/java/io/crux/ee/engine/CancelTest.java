package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.CancellationToken;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.FlowStateException;

/** Cancelling a run: suspended, running, waiting for a retry, finished, or from inside. */
class CancelTest {

    private final AtomicInteger nextCalls = new AtomicInteger();
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (h != null) {
            h.close();
        }
    }

    @Test
    void cancelOfASuspendedRunEndsItAtOnce() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow("approval", String.class, String.class, scope -> {
            String go = scope.suspend("go", String.class);
            return scope.step("next", () -> go + nextCalls.incrementAndGet());
        }));
        String id = handle.run("x").flowId();

        handle.cancel(id, "no longer needed");

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(handle.get(id).orElseThrow().error()).isEqualTo("no longer needed");
        FlowStateException onSignal =
                catchThrowableOfType(FlowStateException.class, () -> handle.signal(id, "go", "late"));
        assertThat(onSignal.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(catchThrowableOfType(FlowStateException.class, () -> handle.resume(id))
                        .status())
                .isEqualTo(FlowStatus.CANCELLED);
        assertThat(nextCalls).hasValue(0);
    }

    @Test
    void cancelInterruptsTheRunningStepAndNoFurtherStepStarts() throws Exception {
        h = EngineHarness.pooled();
        CountDownLatch stepStarted = new CountDownLatch(1);
        CountDownLatch stepInterrupted = new CountDownLatch(1);
        FlowHandle<String, String> handle = h.register(Flows.flow("long", String.class, String.class, scope -> {
            String blocked = scope.step("block", () -> {
                stepStarted.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    stepInterrupted.countDown();
                    throw e;
                }
                return "never";
            });
            return scope.step("next", () -> blocked + nextCalls.incrementAndGet());
        }));
        CompletableFuture<FlowResult<String>> run = CompletableFuture.supplyAsync(
                () -> handle.run("x", RunOptions.defaults().withFlowId("long-1")), callers);
        assertThat(stepStarted.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel("long-1", "stop");

        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(new FlowResult.Cancelled<>("long-1", "stop"));
        assertThat(stepInterrupted.getCount())
                .as("the step thread was interrupted")
                .isZero();
        assertThat(nextCalls).hasValue(0);
        assertThat(h.record("long-1").status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(handle.get("long-1").orElseThrow().steps()).isEmpty();
    }

    @Test
    void stepThatPollsItsCancellationTokenStopsAfterCancel() throws Exception {
        h = EngineHarness.pooled();
        CountDownLatch stepStarted = new CountDownLatch(1);
        FlowHandle<String, String> handle = h.register(Flows.flow("polling", String.class, String.class, scope -> {
            String polled = scope.step("poll", () -> {
                CancellationToken token = scope.cancellation();
                stepStarted.countDown();
                while (!token.isCancelled()) {
                    Thread.onSpinWait();
                }
                token.throwIfCancelled();
                return "never";
            });
            return scope.step("next", () -> polled + nextCalls.incrementAndGet());
        }));
        CompletableFuture<FlowResult<String>> run = CompletableFuture.supplyAsync(
                () -> handle.run("x", RunOptions.defaults().withFlowId("poll-1")), callers);
        assertThat(stepStarted.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel("poll-1", "enough");

        assertThat(run.get(10, TimeUnit.SECONDS)).isEqualTo(new FlowResult.Cancelled<>("poll-1", "enough"));
        assertThat(nextCalls).hasValue(0);
    }

    @Test
    void cancelWhileWaitingForARetryEndsTheRunAndDropsTheRetry() {
        h = EngineHarness.direct();
        AtomicInteger attempts = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow("flaky", String.class, String.class, scope -> {
            String v = scope.step(
                    "flaky",
                    () -> {
                        attempts.incrementAndGet();
                        throw new IllegalStateException("down");
                    },
                    StepOptions.<String>retry(3, ms(100), Backoff.LINEAR));
            return scope.step("next", () -> v + nextCalls.incrementAndGet());
        }));
        String id = handle.start("x");
        assertThat(h.scheduler.pendingCount()).isEqualTo(1);

        handle.cancel(id, "give up");

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.scheduler.scheduledTasks())
                .singleElement()
                .satisfies(task -> assertThat(task.isCancelled())
                        .as("the pending retry was cancelled")
                        .isTrue());
        assertThat(h.scheduler.runAll()).isZero();
        assertThat(attempts).hasValue(1);
        assertThat(nextCalls).hasValue(0);
    }

    @Test
    void cancelOfAFinishedRunIsAStateError() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle =
                h.register(Flows.flow("quick", String.class, String.class, scope -> scope.step("only", () -> "done")));
        String id = handle.run("x").flowId();

        FlowStateException e = catchThrowableOfType(FlowStateException.class, () -> handle.cancel(id, "too late"));

        assertThat(e.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(e.messageId()).isEqualTo("CRUX0021E");
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void cancelOfAnUnknownRunIsNotFound() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle =
                h.register(Flows.flow("quick", String.class, String.class, scope -> scope.step("only", () -> "done")));

        assertThat(catchThrowableOfType(FlowNotFoundException.class, () -> handle.cancel("nope", "x"))
                        .flowId())
                .contains("nope");
    }

    @Test
    void flowCanCancelItself() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow("self", String.class, String.class, scope -> {
            String first = scope.step("first", () -> "1");
            if (first.equals("1")) {
                scope.cancel("not needed after all");
            }
            return scope.step("next", () -> first + nextCalls.incrementAndGet());
        }));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isEqualTo(new FlowResult.Cancelled<>(result.flowId(), "not needed after all"));
        assertThat(h.record(result.flowId()).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.record(result.flowId()).error()).isEqualTo("not needed after all");
        assertThat(nextCalls).hasValue(0);
    }

    @Test
    void flowCanCancelItselfFromInsideAStep() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow("self-step", String.class, String.class, scope -> {
            String first = scope.step("first", () -> {
                scope.cancel("inside");
                return "never";
            });
            return scope.step("next", () -> first + nextCalls.incrementAndGet());
        }));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isEqualTo(new FlowResult.Cancelled<>(result.flowId(), "inside"));
        assertThat(nextCalls).hasValue(0);
    }
}
