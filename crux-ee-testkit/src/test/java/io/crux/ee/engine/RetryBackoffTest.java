package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.codec.JsonbPayloadCodec;

/**
 * A step that fails a few times and then succeeds: the run unwinds before each retry, the
 * scheduler gets the backoff delay, and the body is invoked again with completed steps replayed.
 */
class RetryBackoffTest {

    private final AtomicInteger bodyCalls = new AtomicInteger();
    private final AtomicInteger beforeCalls = new AtomicInteger();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final AtomicInteger afterCalls = new AtomicInteger();

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** before -> flaky (fails {@code failures} times) -> after. */
    private FlowHandle<String, String> register(int failures, StepOptions<String> options) {
        return h.register(Flows.flow("retry", String.class, String.class, scope -> {
            bodyCalls.incrementAndGet();
            String before = scope.step("before", () -> {
                beforeCalls.incrementAndGet();
                return "b:" + scope.input();
            });
            String flaky = scope.step(
                    "flaky",
                    () -> {
                        int n = flakyCalls.incrementAndGet();
                        if (n <= failures) {
                            throw new IllegalStateException("boom " + n);
                        }
                        return "ok" + n;
                    },
                    options);
            return scope.step("after", () -> {
                afterCalls.incrementAndGet();
                return before + "/" + flaky;
            });
        }));
    }

    private String runToCompletion(FlowHandle<String, String> handle, int expectedRetries) {
        String id = handle.start("x");
        for (int i = 0; i < expectedRetries; i++) {
            assertThat(h.record(id).status()).as("waiting for retry %d", i + 1).isEqualTo(FlowStatus.RUNNING);
            assertThat(h.scheduler.pendingCount()).isEqualTo(1);
            assertThat(h.scheduler.runNext()).isTrue();
        }
        assertThat(h.scheduler.pendingCount()).isZero();
        return id;
    }

    /**
     * After its wait a retried run goes on on the executor, where runs execute, and not on the
     * scheduler's thread, which the node's maintenance needs (the manual scheduler runs the task on
     * the test's thread).
     */
    @Test
    void aRetriedRunGoesOnOnTheExecutorNotOnTheSchedulersThread() throws Exception {
        List<String> attemptThreads = new CopyOnWriteArrayList<>();
        CountDownLatch bothAttempts = new CountDownLatch(2);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "crux-test-executor"));
        try (EngineHarness pooled =
                EngineHarness.on(new InMemorySessionStore(new JsonbPayloadCodec()), "node-1", executor)) {
            FlowHandle<String, String> handle = pooled.register(Flows.flow(
                    "retried",
                    String.class,
                    String.class,
                    scope -> scope.step(
                            "flaky",
                            () -> {
                                attemptThreads.add(Thread.currentThread().getName());
                                bothAttempts.countDown();
                                if (attemptThreads.size() == 1) {
                                    throw new IllegalStateException("the first attempt fails");
                                }
                                return "ok";
                            },
                            StepOptions.<String>retry(2, ms(100), Backoff.LINEAR))));

            String id = handle.start("x");
            pooled.scheduler.awaitScheduled(1, Duration.ofSeconds(10));
            assertThat(pooled.scheduler.runNext()).isTrue();

            assertThat(bothAttempts.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(attemptThreads).containsExactly("crux-test-executor", "crux-test-executor");
            await().atMost(Duration.ofSeconds(10)).until(() -> pooled.record(id).status() == FlowStatus.COMPLETED);
        }
    }

    /** A cancel during a retry wait ends the run at once, cancels the wait and never runs it again. */
    @Test
    void aCancelDuringTheRetryWaitCancelsTheWait() {
        FlowHandle<String, String> handle = register(1, StepOptions.<String>retry(2, ms(100), Backoff.LINEAR));
        String id = handle.start("x");
        assertThat(h.scheduler.pendingCount()).isEqualTo(1);

        handle.cancel(id, "enough");

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.scheduler.pendingCount()).as("the wait, cancelled").isZero();
        assertThat(h.scheduler.runNext()).isFalse();
        assertThat(flakyCalls).hasValue(1);
    }

    @Test
    void linearBackoffWaitsDelayTimesRetryNumber() {
        var handle = register(3, StepOptions.<String>retry(4, ms(100), Backoff.LINEAR));

        String id = runToCompletion(handle, 3);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200), ms(300));
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(id)).isEqualTo("b:x/ok4");
        assertThat(flakyCalls).hasValue(4);
        assertThat(beforeCalls).as("completed step replays from its checkpoint").hasValue(1);
        assertThat(afterCalls).hasValue(1);
        assertThat(bodyCalls).as("body invoked once plus once per retry").hasValue(4);
    }

    @Test
    void exponentialBackoffDoublesTheDelay() {
        var handle = register(3, StepOptions.<String>retry(4, ms(100), Backoff.EXPONENTIAL));

        String id = runToCompletion(handle, 3);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200), ms(400));
        assertThat(h.output(id)).isEqualTo("b:x/ok4");
        assertThat(flakyCalls).hasValue(4);
        assertThat(beforeCalls).hasValue(1);
    }

    @Test
    void exponentialDelayIsCappedByMaxDelay() {
        var handle = register(
                3, StepOptions.<String>retry(4, ms(100), Backoff.EXPONENTIAL).withMaxDelay(ms(250)));

        runToCompletion(handle, 3);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200), ms(250));
        assertThat(flakyCalls).hasValue(4);
    }

    @Test
    void linearDelayIsCappedByMaxDelay() {
        var handle = register(
                3, StepOptions.<String>retry(4, ms(100), Backoff.LINEAR).withMaxDelay(ms(250)));

        runToCompletion(handle, 3);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200), ms(250));
    }

    @Test
    void checkpointRecordsTheAttemptsOfTheRetriedStep() {
        var handle = register(2, StepOptions.<String>retry(4, ms(100), Backoff.LINEAR));

        String id = runToCompletion(handle, 2);

        FlowRunInfo info = handle.get(id).orElseThrow();
        assertThat(info.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(info.steps())
                .extracting(FlowRunInfo.StepInfo::label, FlowRunInfo.StepInfo::attempts, FlowRunInfo.StepInfo::fallback)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("before", 1, false),
                        org.assertj.core.groups.Tuple.tuple("flaky", 3, false),
                        org.assertj.core.groups.Tuple.tuple("after", 1, false));
        assertThat(flakyCalls).hasValue(3);
    }

    @Test
    void noCheckpointIsWrittenForAStepThatWaitsForItsRetry() {
        var handle = register(1, StepOptions.<String>retry(2, ms(100), Backoff.LINEAR));

        String id = handle.start("x");

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(handle.get(id).orElseThrow().steps())
                .extracting(FlowRunInfo.StepInfo::label)
                .containsExactly("before");
        assertThat(afterCalls).hasValue(0);
    }

    @Test
    void zeroDelayRetriesInlineWithoutTheScheduler() {
        var handle = register(2, StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isInstanceOf(FlowResult.Completed.class);
        assertThat(((FlowResult.Completed<String>) result).output()).isEqualTo("b:x/ok3");
        assertThat(h.scheduler.delays()).isEmpty();
        assertThat(flakyCalls).hasValue(3);
        assertThat(bodyCalls).as("no unwinding for a zero delay").hasValue(1);
    }

    @Test
    void exhaustedRetriesWithoutFallbackFailTheRun() {
        var handle = register(Integer.MAX_VALUE, StepOptions.<String>retry(3, ms(100), Backoff.LINEAR));

        String id = runToCompletion(handle, 2);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200));
        assertThat(flakyCalls).hasValue(3);
        FlowRunInfo info = handle.get(id).orElseThrow();
        assertThat(info.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(info.error()).startsWith("CRUX0010E").contains("'flaky'", "after 3 attempts", "boom 3");
        assertThat(afterCalls).hasValue(0);
    }

    @Test
    void jitterRemovesAtMostItsFractionOfTheDelay() {
        var handle = register(
                1, StepOptions.<String>retry(2, ms(100), Backoff.LINEAR).withJitter(0.5));

        runToCompletion(handle, 1);

        assertThat(h.scheduler.delays())
                .singleElement()
                .satisfies(d -> assertThat(d).isBetween(ms(50), ms(100)));
    }
}
