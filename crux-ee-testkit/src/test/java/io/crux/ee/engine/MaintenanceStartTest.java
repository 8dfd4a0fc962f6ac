package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * The first maintenance pass runs as soon as the store can be reached: while the application that
 * starts the engine is not usable yet (on Payara its naming environment is bound after
 * {@code @Initialized(ApplicationScoped)}), a failed first pass is tried again after 50 ms and
 * twice as long each time, quietly; once that reaches the interval, failures warn (CRUX0043W).
 */
class MaintenanceStartTest {

    private static final Duration EVERY = EngineSettings.of("node-1").maintenanceInterval();

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger errorsLeft = new AtomicInteger();
    private final AtomicInteger passes = new AtomicInteger();
    /** When set, the next pass waits in the store until it is counted down. */
    private volatile CountDownLatch hang;

    private final CountDownLatch hanging = new CountDownLatch(1);
    private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    private final Logger recoveryLog = Logger.getLogger(Recovery.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private EngineHarness h;

    @BeforeEach
    void setUp() {
        recoveryLog.addHandler(handler);
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("renewHeldLeases")) { // a pass's first call
                        passes.incrementAndGet();
                        CountDownLatch h = hang;
                        if (h != null) {
                            hanging.countDown();
                            h.await(10, TimeUnit.SECONDS);
                        }
                        if (errorsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new StackOverflowError("a pass that failed with an Error");
                        }
                        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new IllegalStateException("Lookup failed for 'java:comp/env/store/em'");
                        }
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
        h = EngineHarness.direct(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        recoveryLog.removeHandler(handler);
        h.close();
    }

    @Test
    void aFirstPassThatFailsIsTriedAgainSoonAndQuietly() {
        failuresLeft.set(3);
        h.engine.startMaintenance();
        for (int i = 0; i < 5; i++) {
            assertThat(h.scheduler.runNext()).isTrue();
        }

        assertThat(passes).hasValue(5);
        assertThat(h.scheduler.delays()).containsExactly(Duration.ZERO, ms(50), ms(100), ms(200), EVERY, EVERY);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aStoreThatStaysAwayWarnsOnceTheRetriesReachTheInterval() {
        failuresLeft.set(Integer.MAX_VALUE);
        h.engine.startMaintenance();
        int runs = 0;
        while (last(h.scheduler.delays()).compareTo(EVERY) < 0) {
            assertThat(h.scheduler.runNext()).isTrue();
            runs++;
        }

        assertThat(runs).as("passes up to the first one that warns").isEqualTo(9); // 0, 50 ms, ..., 6.4 s
        assertThat(warnings)
                .singleElement()
                .satisfies(r -> assertThat(r.getMessage()).startsWith("CRUX0043W"));
        assertThat(h.scheduler.runNext()).isTrue();
        assertThat(warnings).hasSize(2);
        assertThat(last(h.scheduler.delays())).isEqualTo(EVERY);
    }

    @Test
    void aPassThatFailsWithAnErrorStillSchedulesTheNext() {
        h.engine.startMaintenance();
        assertThat(h.scheduler.runNext()).isTrue(); // the first pass succeeds
        errorsLeft.set(1);

        assertThat(h.scheduler.runNext()).as("the pass ran").isTrue();
        assertThat(h.scheduler.runNext())
                .as("maintenance goes on after an Error: leases must still be renewed")
                .isTrue();
        assertThat(passes).hasValue(3);
        assertThat(warnings)
                .singleElement()
                .satisfies(r -> assertThat(r.getMessage()).startsWith("CRUX0043W"));
    }

    @Test
    void maintenanceStopsWithTheEngine() throws Exception {
        h.engine.startMaintenance();
        assertThat(h.scheduler.runNext()).isTrue();
        h.engine.close();

        assertThat(h.scheduler.runNext()).as("the next pass was cancelled").isFalse();
    }

    @Test
    void theStatusTellsWhetherTheFirstPassFinishedAndWhenTheLastGoodOneEnded() {
        MaintenanceStatus before = h.engine.maintenance();
        assertThat(before.started()).isFalse();
        assertThat(before.firstPassFinished()).isFalse();
        assertThat(before.lastPassEnded()).isNull();
        assertThat(before.interval()).isEqualTo(EVERY);

        failuresLeft.set(1);
        h.engine.startMaintenance();
        assertThat(h.scheduler.runNext()).isTrue(); // fails
        assertThat(h.engine.maintenance().started()).isTrue();
        assertThat(h.engine.maintenance().firstPassFinished()).isFalse();
        assertThat(h.engine.maintenance().lastPassEnded()).isNull();

        assertThat(h.scheduler.runNext()).isTrue(); // succeeds, 50 ms later
        var first = h.engine.maintenance();
        assertThat(first.firstPassFinished()).isTrue();
        assertThat(first.lastPassEnded()).isEqualTo(h.clock.instant());
        assertThat(first.overdue(h.clock.instant().plus(EVERY.multipliedBy(2)))).isFalse();
        assertThat(first.overdue(h.clock.instant().plus(EVERY.multipliedBy(2)).plusMillis(1)))
                .isTrue();

        failuresLeft.set(1);
        assertThat(h.scheduler.runNext()).isTrue(); // fails, one interval later
        assertThat(h.engine.maintenance().lastPassEnded())
                .as("a failed pass is not a pass")
                .isEqualTo(first.lastPassEnded());
        assertThat(h.engine.maintenance().firstPassFinished()).isTrue();
    }

    @Test
    void maintenanceWhoseSchedulerRefusesTheNextPassIsStalled() {
        h.engine.startMaintenance();
        assertThat(h.engine.maintenance().stalled()).isFalse();
        h.scheduler.shutdown(); // the pass that runs now cannot schedule the next
        assertThat(h.scheduler.runNext()).isTrue();

        assertThat(h.engine.maintenance().stalled()).isTrue();
        h.engine.close();
        assertThat(h.engine.maintenance().started()).isFalse();
        assertThat(h.engine.maintenance().stalled())
                .as("a closed engine is not stalled")
                .isFalse();
    }

    private static Duration last(List<Duration> delays) {
        return delays.get(delays.size() - 1);
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    @Test
    void theStatusTellsWhenThePassThatRunsNowStarted() throws Exception {
        h.engine.startMaintenance();
        assertThat(h.scheduler.runNext()).isTrue();
        assertThat(h.engine.maintenance().passStarted()).as("no pass runs").isNull();
        CountDownLatch release = new CountDownLatch(1);
        hang = release;

        CompletableFuture<Boolean> pass = CompletableFuture.supplyAsync(h.scheduler::runNext);
        assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();
        MaintenanceStatus during = h.engine.maintenance();
        release.countDown();
        pass.get(10, TimeUnit.SECONDS);

        assertThat(during.passStarted()).isEqualTo(h.clock.instant());
        assertThat(during.leaseDuration()).isEqualTo(EngineSettings.of("node-1").leaseDuration());
        assertThat(during.hung(h.clock.instant().plus(during.hangLimit()).plusMillis(1)))
                .isTrue();
        assertThat(h.engine.maintenance().passStarted()).as("the pass ended").isNull();
    }
}
