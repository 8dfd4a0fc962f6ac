package io.crux.ee.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.block.Block;
import io.crux.ee.block.BlockContext;
import io.crux.ee.model.ModelRegistry;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.ItemRecord;

/**
 * Runs one leaf block as the single step of a real engine flow (in-memory store, runs on the
 * calling thread, manual scheduler for retry waits), so its items, deltas, retries and spans go
 * through the engine. The step is labelled with the block's name, as the engine's block context will
 * label a top-level leaf. Stands in for the test kit's {@code testBlock} until that exists.
 */
public final class BlockRunner implements AutoCloseable {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final DirectExecutor executor = new DirectExecutor();
    private final FlowEngine engine;
    private final ModelRegistry models;
    private final FlowTracer tracer;
    private final AtomicInteger runs = new AtomicInteger();
    private final List<EventRecord> published = new CopyOnWriteArrayList<>();

    public BlockRunner(ModelRegistry models) {
        this(models, FlowTracer.NOOP);
    }

    public BlockRunner(ModelRegistry models, FlowTracer tracer) {
        this.models = models;
        this.tracer = tracer;
        TestClock clock = new TestClock();
        this.engine = FlowEngine.builder()
                .store(new InMemoryFlowStore(clock))
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .tracer(tracer)
                .validator(new BeanValidationInputValidator(EngineHarness.VALIDATOR))
                .build();
    }

    /**
     * Runs the block to its end on the calling thread and returns its output. Retries without a wait
     * run in place; use {@link #start} for retries that wait.
     *
     * @throws io.crux.ee.api.exception.StepFailedException if the step failed for good
     */
    @SuppressWarnings("unchecked")
    public <I, O> O run(Block<I, O> block, I input) {
        Launch launch = prepare(block);
        FlowResult<Object> result = launch.handle.run(input, launch.options);
        if (!(result instanceof FlowResult.Completed<Object> done)) {
            throw new AssertionError("run " + launch.flowId + " ended as " + result);
        }
        return (O) done.output();
    }

    /**
     * Starts the block's flow on the calling thread; it runs until it ends or waits for a retry,
     * which {@link #runScheduled()} then continues.
     *
     * @return the run id, which is also the request id of the events
     */
    public <I, O> String start(Block<I, O> block, I input) {
        Launch launch = prepare(block);
        launch.handle.start(input, launch.options);
        return launch.flowId;
    }

    /** @return the id of the run that {@link #run} or {@link #start} started last */
    public String lastRunId() {
        return "run-" + runs.get();
    }

    private record Launch(FlowHandle<Object, Object> handle, String flowId, RunOptions options) {}

    private <I, O> Launch prepare(Block<I, O> block) {
        int n = runs.incrementAndGet();
        String flowName = "block-" + n;
        String flowId = "run-" + n;
        engine.register(new FlowModel(flowName, true, BlockRunner.class, Map.of("run",
                new ActionModel("run", Object.class, Object.class, scope -> runBlock(scope, block)))));
        engine.events().subscribe(flowId, published::add);
        return new Launch(engine.handle(flowName, "run"), flowId,
                RunOptions.defaults().withFlowId(flowId).withSessionId("session-" + n).withEvents(true));
    }

    @SuppressWarnings("unchecked")
    private <I, O> O runBlock(FlowScope<?> scope, Block<I, O> block) {
        BlockContext ctx = new Context(scope, block.name());
        StepOptions<O> options = block.options() != null ? block.options() : StepOptions.defaults();
        return scope.step(block.name(), () -> block.execute((I) scope.input(), ctx), options);
    }

    /** Runs the retries whose waits were scheduled, and the steps after them. */
    public void runScheduled() {
        scheduler.runAll();
    }

    /** @return the waits scheduled for retries so far */
    public List<Duration> retryDelays() {
        return scheduler.delays();
    }

    public FlowStatus status(String flowId) {
        return engine.run(flowId).orElseThrow().status();
    }

    /** @return the stored error of a failed run */
    public String error(String flowId) {
        return engine.run(flowId).orElseThrow().error();
    }

    public Object output(String flowId) {
        return engine.codec.decode(engine.run(flowId).orElseThrow().output(), getClass().getClassLoader());
    }

    /** @return the stored items of the run's session, oldest first */
    public List<Item> items(String flowId) {
        String session = "session-" + flowId.substring("run-".length());
        return engine.sessions().listItems(session, 1000).stream().map(ItemRecord::item).toList();
    }

    /** @return every event published for the run, including {@code content.delta} */
    public List<EventRecord> events(String flowId) {
        return published.stream().filter(e -> e.requestId().equals(flowId)).toList();
    }

    /** @return the events stored for the run (no deltas) */
    public List<EventRecord> storedEvents(String flowId) {
        return engine.sessions().readEvents(flowId, 0, 10_000);
    }

    @Override
    public void close() {
        engine.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    /** The block context of a top-level leaf: the real scope, the runner's models and tracer. */
    private final class Context implements BlockContext {
        private final FlowScope<?> scope;
        private final String path;

        Context(FlowScope<?> scope, String path) {
            this.scope = scope;
            this.path = path;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public FlowScope<?> scope() {
            return scope;
        }

        @Override
        public ModelRegistry models() {
            return models;
        }

        @Override
        public FlowTracer tracer() {
            return tracer;
        }

        @Override
        public <X, Y> Y run(Block<X, Y> block, X input) {
            throw new UnsupportedOperationException("a leaf block runs no children");
        }

        @Override
        public BlockContext under(String segment) {
            throw new UnsupportedOperationException("a leaf block runs no children");
        }

        @Override
        public <Y> java.util.List<Y> fork(java.util.List<String> segments, int limit,
                java.util.function.BiFunction<BlockContext, Integer, Y> branch) {
            throw new UnsupportedOperationException("a leaf block runs no children");
        }

        @Override
        public <X, Y> Y rescue(java.util.function.Supplier<Y> body, java.util.function.Predicate<? super Throwable> when,
                Block<io.crux.ee.block.Rescued<X>, Y> recovery, X input) {
            throw new UnsupportedOperationException("a leaf block runs no children");
        }
    }
}
