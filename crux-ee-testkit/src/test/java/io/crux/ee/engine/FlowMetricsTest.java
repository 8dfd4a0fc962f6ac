package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.testkit.InlineExecutor;

/** The engine tells its {@link io.crux.ee.spi.FlowMetrics} what runs and steps did, each thing once. */
class FlowMetricsTest {

    private final RecordingMetrics metrics = new RecordingMetrics();
    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void aRunThatRetriesAndFallsBackIsCountedOnceWithEachAttempt() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        AtomicInteger flaky = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow("orders", String.class, String.class, scope -> {
            String a = scope.step(
                    "flaky",
                    () -> {
                        if (flaky.incrementAndGet() == 1) {
                            throw new IllegalStateException("once");
                        }
                        return "a";
                    },
                    StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR));
            String b = scope.step(
                    "broken",
                    () -> {
                        throw new IllegalStateException("always");
                    },
                    StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR).withFallback(t -> "b"));
            return a + b;
        }));

        assertThat(handle.run("x")).isInstanceOf(FlowResult.Completed.class);

        assertThat(metrics.calls())
                .containsExactly(
                        "started orders",
                        "attempt orders failed",
                        "retry orders",
                        "attempt orders succeeded",
                        "attempt orders failed",
                        "retry orders",
                        "attempt orders failed",
                        "fallback orders",
                        "ended orders completed");
    }

    @Test
    void aFailedRunEndsAsFailed() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step("boom", () -> {
                    throw new IllegalStateException("no");
                })));

        assertThrows(StepFailedException.class, () -> handle.run("x"));

        assertThat(metrics.calls()).containsExactly("started orders", "attempt orders failed", "ended orders failed");
    }

    @Test
    void aRunWaitingForARetryIsRunningAndCountsItsWaitInItsDuration() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        AtomicInteger calls = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step(
                        "later",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                throw new IllegalStateException("once");
                            }
                            return "ok";
                        },
                        StepOptions.<String>retry(2, Duration.ofMinutes(1), Backoff.LINEAR))));

        String id = handle.start("x");

        assertThat(metrics.gauges.running()).isEqualTo(Map.of("orders", 1L));
        h.clock.advance(Duration.ofMinutes(1));
        assertThat(h.scheduler.runAll()).isEqualTo(1);
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(metrics.gauges.running()).isEqualTo(Map.of("orders", 0L));
        assertThat(metrics.calls())
                .containsExactly(
                        "started orders",
                        "attempt orders failed",
                        "retry orders",
                        "attempt orders succeeded",
                        "ended orders completed");
        assertThat(metrics.runDurations()).containsExactly(Duration.ofMinutes(1));
    }

    @Test
    void aSuspendedRunIsNotEndedAndIsCountedAsSuspendedByMaintenanceUntilItsSignal() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow("claims", String.class, String.class, scope -> {
            String approver = scope.suspend("approval", String.class, Duration.ofHours(1));
            return scope.step("pay", () -> "paid by " + approver);
        }));
        assertThat(metrics.gauges.suspended()).as("before any maintenance pass").isEmpty();
        h.engine.maintain();
        assertThat(metrics.gauges.suspended()).isEqualTo(Map.of("claims", 0L));

        String id = handle.run("c-1").flowId();
        h.engine.maintain();

        assertThat(metrics.calls()).containsExactly("started claims");
        assertThat(metrics.gauges.suspended()).isEqualTo(Map.of("claims", 1L));
        assertThat(metrics.gauges.running()).isEqualTo(Map.of("claims", 0L));

        h.clock.advance(Duration.ofMinutes(5));
        handle.signal(id, "approval", "ann");
        h.engine.maintain();

        assertThat(metrics.calls())
                .containsExactly("started claims", "attempt claims succeeded", "ended claims completed");
        assertThat(metrics.runDurations()).containsExactly(Duration.ofMinutes(5));
        assertThat(metrics.gauges.suspended()).isEqualTo(Map.of("claims", 0L));
    }

    @Test
    void aCancelledAndAnExpiredSuspendedRunEndEachOnce() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "claims",
                String.class,
                String.class,
                scope -> scope.suspend("approval", String.class, Duration.ofHours(1))));
        String cancelled = handle.run("c-1").flowId();
        String expired = handle.run("c-2").flowId();

        handle.cancel(cancelled, "withdrawn");
        h.clock.advance(Duration.ofHours(2));
        assertThat(handle.signal(expired, "approval", "ann")).isInstanceOf(FlowResult.Expired.class);

        assertThat(metrics.calls())
                .containsExactly("started claims", "started claims", "ended claims cancelled", "ended claims expired");
    }

    @Test
    void aRecoveredRunIsATakeoverAndEndsOnceOnTheNodeThatRecoveredIt() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        FlowModel flow = Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step("slow", () -> {
                    if (calls.incrementAndGet() == 1) {
                        stuck.countDown();
                        release.await();
                        throw new IllegalStateException("the crashed node's thread");
                    }
                    return "done";
                }));
        RecordingMetrics crashed = new RecordingMetrics();
        h = EngineHarness.pooled("node-a", crashed, FlowTracer.NOOP);
        h.register(flow);
        h.engine.handle("orders", "").start("x", RunOptions.defaults().withFlowId("o-1"));
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crashed.gauges.running()).isEqualTo(Map.of("orders", 1L));
        EngineHarness b = h.sibling("node-b", new InlineExecutor(), metrics, FlowTracer.NOOP);
        b.register(flow);

        h.clock.advance(Duration.ofSeconds(30)); // the default lease
        assertThat(b.engine.maintain()).isEqualTo(1);

        assertThat(metrics.calls())
                .containsExactly("takeover orders", "attempt orders succeeded", "ended orders completed");
        release.countDown();
        h.executor.shutdown();
        assertThat(h.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(crashed.calls())
                .as("the node that lost the run ends nothing, nor counts the attempt it found the run lost in")
                .containsExactly("started orders");
    }

    @Test
    void openStreamsAreTheOpenSubscriptionsAndClosingTwiceCountsOnce() throws Exception {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        AutoCloseable one = h.engine.events().subscribe("r-1", e -> {});
        AutoCloseable two = h.engine.events().subscribe("r-1", e -> {});
        assertThat(metrics.gauges.openStreams()).isEqualTo(2);

        one.close();
        one.close();

        assertThat(metrics.gauges.openStreams()).isEqualTo(1);
        two.close();
        assertThat(metrics.gauges.openStreams()).isZero();
    }

    @Test
    void aNonDurableRunIsCountedToo() {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(
                Flows.flow("chat", false, String.class, String.class, scope -> scope.step("answer", () -> "hi")));

        handle.run("x");

        assertThat(metrics.calls()).containsExactly("started chat", "attempt chat succeeded", "ended chat completed");
    }

    @Test
    void aClosedEngineStopsItsObservation() throws Exception {
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        assertThat(metrics.observing).isTrue();

        h.engine.close();

        assertThat(metrics.observing).isFalse();
    }

    /** Metrics whose every call fails, as a broken exporter or a missing class would make them. */
    static final class ThrowingMetrics implements FlowMetrics {
        final AtomicInteger calls = new AtomicInteger();

        private void fail() {
            calls.incrementAndGet();
            throw new IllegalStateException("metrics down");
        }

        @Override
        public void runStarted(String flowName) {
            fail();
        }

        @Override
        public void runEnded(String flowName, String outcome, Duration duration) {
            fail();
        }

        @Override
        public void stepAttempted(String flowName, boolean succeeded, Duration duration) {
            fail();
        }

        @Override
        public void stepRetried(String flowName) {
            fail();
        }

        @Override
        public void stepFellBack(String flowName) {
            fail();
        }

        @Override
        public void leaseTakenOver(String flowName) {
            fail();
        }

        @Override
        public Observation observe(Gauges gauges) {
            return () -> {
                throw new NoClassDefFoundError("io/opentelemetry/api/metrics/ObservableLongGauge");
            };
        }
    }

    @Test
    void failingMetricsChangeNoRunsOutcome() throws Exception {
        // before the fix: the first failed attempt's count failed the run instead of retrying it
        ThrowingMetrics throwing = new ThrowingMetrics();
        h = EngineHarness.direct(throwing, FlowTracer.NOOP);
        AtomicInteger flaky = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow("orders", String.class, String.class, scope -> {
            String a = scope.step(
                    "flaky",
                    () -> {
                        if (flaky.incrementAndGet() == 1) {
                            throw new IllegalStateException("once");
                        }
                        return "a";
                    },
                    StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR));
            String b = scope.step(
                    "broken",
                    () -> {
                        throw new IllegalStateException("always");
                    },
                    StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR).withFallback(t -> "b"));
            return a + b;
        }));
        FlowHandle<String, String> claims = h.register(Flows.flow(
                "claims",
                String.class,
                String.class,
                scope -> scope.suspend("approval", String.class, Duration.ofHours(1))));

        FlowResult<String> result = handle.run("x", RunOptions.defaults().withFlowId("o-1"));
        String signalled = claims.run("c-1").flowId();
        String cancelled = claims.run("c-2").flowId();
        FlowResult<String> approved = claims.signal(signalled, "approval", "ann");
        claims.cancel(cancelled, "withdrawn");

        assertThat(result).isEqualTo(new FlowResult.Completed<>("o-1", "ab"));
        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(approved).isInstanceOf(FlowResult.Completed.class);
        assertThat(h.record(cancelled).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.engine.running(signalled)).as("nothing left executing").isEmpty();
        assertThat(throwing.calls).as("every call was made, and failed").hasValueGreaterThan(10);
        h.engine.close(); // the observation's close fails too
    }

    /**
     * A store whose first {@code finish} with its callback fails as an optimistic lock that kept
     * conflicting does: nothing is written, the row stays RUNNING and held by this node.
     */
    private static FlowStore finishFailingOnce(InMemoryFlowStore memory) {
        AtomicBoolean failed = new AtomicBoolean();
        return (FlowStore) Proxy.newProxyInstance(
                FlowMetricsTest.class.getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("finish") && !failed.getAndSet(true)) {
                        throw new FlowConflictException("CRUX0023E: the run changed", (String) args[0], null);
                    }
                    if (method.isDefault()) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aRunWhoseEndCouldNotBeStoredEndsOnceWhenItIsRecovered() {
        // before the fix: counted failed when the end was not written, and completed after the recovery
        h = EngineHarness.direct(clock -> finishFailingOnce(new InMemoryFlowStore(clock)), metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle =
                h.register(Flows.flow("orders", String.class, String.class, scope -> scope.step("a", () -> "A")));

        assertThrows(
                CruxException.class, () -> handle.run("x", RunOptions.defaults().withFlowId("o-1")));
        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.RUNNING);
        h.clock.advance(Duration.ofSeconds(30)); // the default lease
        assertThat(h.engine.maintain()).isEqualTo(1);

        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(metrics.calls())
                .containsExactly(
                        "started orders", "attempt orders succeeded", "takeover orders", "ended orders completed");
    }

    @Test
    void aRunStoredAsFailedByALeaseLostOfAChildIsCountedAsFailed() {
        // before the fix: the run was stored FAILED but, its failure being a LeaseLostException, never counted
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow("orders", String.class, String.class, scope -> {
            throw new LeaseLostException("CRUX0028E: a child's lease was lost", "child-1", "node-2");
        }));

        assertThrows(
                CruxException.class, () -> handle.run("x", RunOptions.defaults().withFlowId("o-1")));

        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(metrics.calls()).containsExactly("started orders", "ended orders failed");
    }

    @Test
    void anAttemptThatACancelInterruptsIsNotCounted() throws Exception {
        // before the fix: the interrupted attempt was counted as failed
        CountDownLatch blocking = new CountDownLatch(1);
        h = EngineHarness.pooled("node-1", metrics, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step("wait", () -> {
                    blocking.countDown();
                    new CountDownLatch(1).await(); // until the cancel interrupts it
                    return "never";
                })));
        handle.start("x", RunOptions.defaults().withFlowId("o-1"));
        assertThat(blocking.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel("o-1", "withdrawn");
        h.executor.shutdown();
        assertThat(h.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(metrics.calls()).containsExactly("started orders", "ended orders cancelled");
    }

    /** The in-memory store, but its {@code countRuns} answered by {@code count} (given the proxy and the arguments). */
    private static FlowStore countingBy(
            InMemoryFlowStore memory, java.util.function.BiFunction<Object, Object[], Object> count) {
        return (FlowStore) Proxy.newProxyInstance(
                FlowMetricsTest.class.getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("countRuns")) {
                        return count.apply(proxy, args);
                    }
                    if (method.isDefault()) {
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private FlowHandle<String, String> claims() {
        return h.register(Flows.flow(
                "claims",
                String.class,
                String.class,
                scope -> scope.suspend("approval", String.class, Duration.ofHours(1))));
    }

    @Test
    void aStoreThatDoesNotCountReportsNoSuspendedRuns() {
        // before the fix: zeros for every flow, as if it had counted
        h = EngineHarness.direct(
                clock -> countingBy(new InMemoryFlowStore(clock), (proxy, args) -> java.util.Optional.empty()),
                metrics,
                FlowTracer.NOOP);
        claims().run("c-1");

        h.engine.maintain();

        assertThat(metrics.gauges.suspended()).isEmpty();
    }

    @Test
    void theSuspendedRunsOfOtherApplicationsOnTheSameStoreAreNotReported() throws Exception {
        // before the fix: the flows of the other application were reported too
        h = EngineHarness.direct(metrics, FlowTracer.NOOP);
        claims();
        EngineHarness other = h.sibling("node-2", new InlineExecutor(), FlowMetrics.NOOP, FlowTracer.NOOP);
        other.register(Flows.flow(
                        "elsewhere",
                        String.class,
                        String.class,
                        scope -> scope.suspend("approval", String.class, Duration.ofHours(1))))
                .run("e-1");

        h.engine.maintain();

        assertThat(metrics.gauges.suspended()).isEqualTo(Map.of("claims", 0L));
    }

    @Test
    void maintenanceCountsTheSuspendedRunsOnlyWhenTheGaugeWasReadSinceItsLastCount() {
        // before the fix: a GROUP BY query at every pass, read or not
        AtomicInteger counts = new AtomicInteger();
        h = EngineHarness.direct(
                clock -> {
                    InMemoryFlowStore memory = new InMemoryFlowStore(clock);
                    return countingBy(memory, (proxy, args) -> {
                        counts.incrementAndGet();
                        return memory.countRuns((FlowStatus) args[0]);
                    });
                },
                metrics,
                FlowTracer.NOOP);
        claims().run("c-1");

        h.engine.maintain();
        h.engine.maintain();
        h.engine.maintain();
        assertThat(counts).as("one count at the first pass, none unread after").hasValue(1);

        assertThat(metrics.gauges.suspended()).isEqualTo(Map.of("claims", 1L));
        h.engine.maintain();
        h.engine.maintain();
        assertThat(counts).hasValue(2);
    }

    @Test
    void aCountThatFailsDoesNotFailMaintenance() {
        // before the fix: maintain() threw, and its pass (recoveries included) was logged as failed
        h = EngineHarness.direct(
                clock -> countingBy(new InMemoryFlowStore(clock), (proxy, args) -> {
                    throw new IllegalStateException("count failed");
                }),
                metrics,
                FlowTracer.NOOP);
        claims().run("c-1");

        assertThat(h.engine.maintain()).isZero();
        assertThat(metrics.gauges.suspended()).isEmpty();
    }
}
