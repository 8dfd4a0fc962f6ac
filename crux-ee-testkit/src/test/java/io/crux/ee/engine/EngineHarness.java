package io.crux.ee.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.codec.BeanValidationInputValidator;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/**
 * One engine wired for tests: a {@link ManualScheduler}, a {@link TestClock}, Bean Validation and an
 * executor of the test's choice. Engines that share the store (a "restarted" server, another node)
 * come from {@link #sibling}; they share its store of sessions and events, as servers share one
 * database. Closing it closes every engine and executor it made.
 */
final class EngineHarness implements AutoCloseable {

    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    static final Validator VALIDATOR = VALIDATION.getValidator();
    /**
     * Each engine plays a process of its own on one host, with an id no process here has: a sibling
     * of the same node id is a server restarted after its predecessor ended, and takes the id over.
     */
    private static final AtomicLong PIDS = new AtomicLong(50_000_000);
    /** This machine, so that a process that is not running here counts as ended. */
    private static final String MACHINE = NodeProcess.current().machine();

    final FlowStore store;
    final SessionStore sessions;
    final ManualScheduler scheduler;
    final TestClock clock;
    final ExecutorService executor;
    final FlowEngine engine;
    final JsonbPayloadCodec codec = new JsonbPayloadCodec();

    private final List<AutoCloseable> closeables = new ArrayList<>();

    private EngineHarness(
            FlowStore store, ExecutorService executor, ManualScheduler scheduler, TestClock clock, String nodeId) {
        this(
                store,
                new InMemorySessionStore(new JsonbPayloadCodec()),
                executor,
                scheduler,
                clock,
                nodeId,
                FlowMetrics.NOOP,
                FlowTracer.NOOP);
    }

    private EngineHarness(
            FlowStore store,
            SessionStore sessions,
            ExecutorService executor,
            ManualScheduler scheduler,
            TestClock clock,
            String nodeId,
            FlowMetrics metrics,
            FlowTracer tracer) {
        this.store = store;
        this.sessions = sessions;
        this.executor = executor;
        this.scheduler = scheduler;
        this.clock = clock;
        this.engine = FlowEngine.builder()
                .store(store)
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .validator(new BeanValidationInputValidator(VALIDATOR))
                .settings(EngineSettings.of(nodeId))
                .sessions(sessions)
                .metrics(metrics)
                .tracer(tracer)
                .process(new NodeProcess("test-host", MACHINE, PIDS.incrementAndGet(), 1))
                .build();
    }

    /** @return an engine whose runs execute on the calling thread */
    static EngineHarness direct() {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                new InMemoryFlowStore(clock), new InlineExecutor(), new ManualScheduler(clock), clock, "node-1");
    }

    /** @return an engine whose runs execute on the calling thread, with the test's metrics and tracer */
    static EngineHarness direct(FlowMetrics metrics, FlowTracer tracer) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                new InMemoryFlowStore(clock),
                new InMemorySessionStore(new JsonbPayloadCodec()),
                new InlineExecutor(),
                new ManualScheduler(clock),
                clock,
                "node-1",
                metrics,
                tracer);
    }

    /**
     * @param store makes the store from the engine's clock (a store that fails on purpose, say)
     * @return an engine on that store whose runs execute on the calling thread, with the test's metrics and tracer
     */
    static EngineHarness direct(
            java.util.function.Function<TestClock, FlowStore> store, FlowMetrics metrics, FlowTracer tracer) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                store.apply(clock),
                new InMemorySessionStore(new JsonbPayloadCodec()),
                new InlineExecutor(),
                new ManualScheduler(clock),
                clock,
                "node-1",
                metrics,
                tracer);
    }

    /** @return an engine with the given node id on a cached thread pool, with the test's metrics and tracer */
    static EngineHarness pooled(String nodeId, FlowMetrics metrics, FlowTracer tracer) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                new InMemoryFlowStore(clock),
                new InMemorySessionStore(new JsonbPayloadCodec()),
                Executors.newCachedThreadPool(),
                new ManualScheduler(clock),
                clock,
                nodeId,
                metrics,
                tracer);
    }

    /**
     * @param sessions the store of sessions, state, items and events (one that records what it is given, say)
     * @param nodeId the engine's node id
     * @param executor its executor, closed with this harness
     * @return an engine on an in-memory run store
     */
    static EngineHarness on(SessionStore sessions, String nodeId, ExecutorService executor) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                new InMemoryFlowStore(clock),
                sessions,
                executor,
                new ManualScheduler(clock),
                clock,
                nodeId,
                FlowMetrics.NOOP,
                FlowTracer.NOOP);
    }

    /** @return an engine whose runs execute on a cached thread pool */
    static EngineHarness pooled() {
        return pooled("node-1");
    }

    /** @return an engine with the given node id whose runs execute on a cached thread pool */
    static EngineHarness pooled(String nodeId) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(
                new InMemoryFlowStore(clock),
                Executors.newCachedThreadPool(),
                new ManualScheduler(clock),
                clock,
                nodeId);
    }

    /** @return an engine on the given store, executing on the calling thread */
    static EngineHarness direct(FlowStore store) {
        TestClock clock = new TestClock(FlowTest.START);
        return new EngineHarness(store, new InlineExecutor(), new ManualScheduler(clock), clock, "node-1");
    }

    /**
     * Another engine on the same store and clock, as a restarted server or another node would be.
     *
     * @param nodeId its node id
     * @param executor its executor, closed with this harness
     */
    EngineHarness sibling(String nodeId, ExecutorService executor) {
        return sibling(nodeId, executor, FlowMetrics.NOOP, FlowTracer.NOOP);
    }

    /** Another engine on the same store and clock, with the test's metrics and tracer. */
    EngineHarness sibling(String nodeId, ExecutorService executor, FlowMetrics metrics, FlowTracer tracer) {
        EngineHarness other = new EngineHarness(
                store, sessions, executor, new ManualScheduler(clock), clock, nodeId, metrics, tracer);
        closeables.add(other);
        return other;
    }

    <I, O> FlowHandle<I, O> register(FlowModel flow) {
        engine.register(flow);
        return engine.handle(flow.name(), "");
    }

    RunRecord record(String flowId) {
        return store.findRun(flowId).orElseThrow(() -> new AssertionError("no stored run " + flowId));
    }

    /** @return the stored output of a completed run, decoded */
    Object output(String flowId) {
        return codec.decode(record(flowId).output(), getClass().getClassLoader());
    }

    @Override
    public void close() throws Exception {
        engine.close();
        for (AutoCloseable c : closeables) {
            c.close();
        }
        scheduler.shutdownNow();
        executor.shutdownNow();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("executor did not terminate");
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
