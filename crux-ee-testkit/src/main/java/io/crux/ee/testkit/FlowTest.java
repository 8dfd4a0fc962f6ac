package io.crux.ee.testkit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.BeanValidationInputValidator;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.engine.EngineSettings;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.engine.InMemorySessionStore;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.PayloadCodec;

/**
 * Prepares one tested run: the action, the input, who it runs for, the state it starts with and the
 * services (models) its blocks may call. {@link #run()} runs it with crux-ee's own engine on in-memory stores, and
 * returns when the run completed, suspended, was cancelled or failed. Each {@code run()} uses a new
 * engine with empty stores, seeded again.
 *
 * <p><b>Determinism.</b> By default the run executes on the calling thread: parallel branches and
 * map items run one after another in declaration order. Retry waits take no time: the kit moves its
 * clock forward by the wait and continues at once ({@link TestRun#retryWaits()} lists the waits).
 * Pass a real executor with {@link #executor(ExecutorService)} to test concurrency.
 *
 * <p><b>Defaults.</b> Session {@code test-session} (none for a flow whose sessions are
 * {@link io.crux.ee.api.Sessions#EPHEMERAL EPHEMERAL}: as in the server, the run id is its session
 * id, nothing of the session is stored, and {@link #session(String)} makes the run fail with
 * CRUX0211E), user {@code test-user}, project
 * {@code default}; no services but the engine's own: a block that asks for one that was not given
 * fails with CRUX0052E. Inputs and signal payloads are checked with Bean Validation when a provider is on the
 * class path. The clock starts at 2030-01-01T00:00:00Z. The run records its request events as
 * when the HTTP API starts it ({@link TestRun#events()}, {@link TestRun#storedEvents()}); spans go
 * nowhere unless a {@link #tracer(FlowTracer) tracer} is given.
 *
 * <p>The setters return this object and reject {@code null} with a {@link NullPointerException},
 * except {@link #input}. Not thread-safe; use one per test.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class FlowTest<I, O> {

    /** When every tested run starts. */
    public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final FlowModel flow;
    private String action = "";
    private I input;
    private RunOptions options = RunOptions.defaults()
            .withSessionId("test-session")
            .withUserId("test-user")
            .withEvents(true);
    private final Map<String, Map<String, Object>> seeds = new LinkedHashMap<>();
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();
    private ExecutorService executor;
    private FlowTracer tracer = FlowTracer.NOOP;
    private FlowMetrics metrics = FlowMetrics.NOOP;
    private FlowLifecycleListener lifecycle = FlowLifecycleListener.NOOP;

    FlowTest(FlowModel flow) {
        this.flow = Objects.requireNonNull(flow, "flow");
        if (flow.ephemeralSessions()) {
            options = options.withSessionId(null); // as in the server: the run id is the session id
        }
    }

    /**
     * @param action the action to run; may be left out when the flow has one action
     * @return this
     */
    public FlowTest<I, O> action(String action) {
        this.action = Objects.requireNonNull(action, "action");
        return this;
    }

    /**
     * @param input the run's input
     * @return this
     */
    public FlowTest<I, O> input(I input) {
        this.input = input;
        return this;
    }

    /**
     * @param sessionId the run's session, whose state and items the run uses
     * @return this
     */
    public FlowTest<I, O> session(String sessionId) {
        options = options.withSessionId(Objects.requireNonNull(sessionId, "sessionId"));
        return this;
    }

    /**
     * @param userId the user the run acts for
     * @return this
     */
    public FlowTest<I, O> user(String userId) {
        options = options.withUserId(Objects.requireNonNull(userId, "userId"));
        return this;
    }

    /**
     * @param projectId the project whose state the run uses
     * @return this
     */
    public FlowTest<I, O> project(String projectId) {
        options = options.withProjectId(Objects.requireNonNull(projectId, "projectId"));
        return this;
    }

    /**
     * @param flowId the run id to use instead of a generated one
     * @return this
     */
    public FlowTest<I, O> flowId(String flowId) {
        options = options.withFlowId(Objects.requireNonNull(flowId, "flowId"));
        return this;
    }

    /**
     * @param values the session state the run starts with (added to what was seeded before)
     * @return this
     */
    public FlowTest<I, O> sessionState(Map<String, ?> values) {
        return seed("session", values);
    }

    /**
     * @param values the user state the run starts with
     * @return this
     */
    public FlowTest<I, O> userState(Map<String, ?> values) {
        return seed("user", values);
    }

    /**
     * @param values the project state the run starts with
     * @return this
     */
    public FlowTest<I, O> projectState(Map<String, ?> values) {
        return seed("project", values);
    }

    private FlowTest<I, O> seed(String scope, Map<String, ?> values) {
        seeds.computeIfAbsent(scope, k -> new LinkedHashMap<>()).putAll(values);
        return this;
    }

    /**
     * Gives the run's blocks a service, which they find by type through
     * {@link io.crux.ee.api.BlockContext#service}: for generators of crux-ee-langchain4j, their models,
     * as in {@code service(ModelRegistry.class, ModelRegistry.of("default", scriptedModel))}.
     *
     * @param type the type blocks ask for
     * @param service the service, usually a mock
     * @param <T> the type
     * @return this
     */
    public <T> FlowTest<I, O> service(Class<T> type, T service) {
        services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(service, "service"));
        return this;
    }

    /**
     * The service given for a type, for tools that run a test and need the same service afterwards (an
     * evaluation's judge asks the run's model registry for its model).
     *
     * @param type the type it was given for
     * @param <T> the type
     * @return the service, or empty if none was given for exactly that type
     */
    public <T> java.util.Optional<T> findService(Class<T> type) {
        return java.util.Optional.ofNullable(type.cast(services.get(Objects.requireNonNull(type, "type"))));
    }

    /**
     * @param executor the executor for runs and parallel branches, to test real concurrency; the
     *     test owns it and shuts it down
     * @return this
     */
    public FlowTest<I, O> executor(ExecutorService executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Sends the run's spans to a tracer as well, to test what a flow or block traces: for example an
     * {@code OpenTelemetryFlowTracer} over an in-memory span exporter. The kit's step records do not
     * depend on it.
     *
     * @param tracer the tracer that receives every run, step, model-call and tool span
     * @return this
     */
    public FlowTest<I, O> tracer(FlowTracer tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        return this;
    }

    /**
     * Sends what the run does to metrics, to test what an application records: for example an
     * {@code OpenTelemetryFlowMetrics} over an in-memory metric reader.
     *
     * @param metrics the metrics that the engine tells of runs, step attempts, retries and fallbacks
     * @return this
     */
    public FlowTest<I, O> metrics(FlowMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /**
     * Tells a listener of the run's lifecycle events as well, as the server fires them to CDI
     * observers: to test an observer's code, call it from the listener. The kit records the events
     * anyway ({@link TestRun#lifecycleEvents()}); a listener that throws is logged (CRUX0200W) and
     * does not change the run.
     *
     * @param listener told of each transition, on the thread that made it
     * @return this
     */
    public FlowTest<I, O> lifecycle(FlowLifecycleListener listener) {
        this.lifecycle = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Runs the action with a new engine and in-memory stores.
     *
     * @return the outcome; a failure of the run ({@link CruxException}) is in
     *     {@link TestRun#failure()}, not thrown
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the action is not one of the flow's,
     *     or was left out for a flow with several
     */
    public TestRun<O> run() {
        if (flow.ephemeralSessions() && seeds.containsKey("session")) {
            throw new IllegalStateException(Messages.ephemeralSeeded(flow.name()));
        }
        Context<I, O> context = new Context<>(this);
        seeds.forEach((scope, values) -> {
            String key = switch (scope) {
                case "session" -> options.sessionId();
                case "user" -> options.userId();
                default -> options.projectId() == null ? "default" : options.projectId();
            };
            context.sessions.updateState(scope, key, doc -> {
                doc.putAll(values);
                return null;
            });
        });
        return context.start(input);
    }

    /** One engine of a test, shared by a run and its continuations. */
    static final class Context<I, O> {
        final PayloadCodec codec = new JsonbPayloadCodec();
        final TestClock clock = new TestClock(START);
        final InMemoryFlowStore store = new InMemoryFlowStore(clock);
        final InMemorySessionStore sessions = new InMemorySessionStore(codec, clock);
        final InstantScheduler scheduler = new InstantScheduler(clock);
        final List<EventRecord> published = new CopyOnWriteArrayList<>();
        final List<FlowLifecycleEvent> lifecycle = new CopyOnWriteArrayList<>();
        final RecordingTracer tracer;
        final RunOptions options;
        final FlowModel flow;
        final FlowEngine engine;
        final FlowHandle<I, O> handle;

        Context(FlowTest<I, O> test) {
            this.options = test.options;
            this.flow = test.flow;
            this.tracer = new RecordingTracer(test.tracer);
            FlowEngine.Builder builder = FlowEngine.builder()
                    .store(store)
                    .sessions(sessions)
                    .codec(codec)
                    .executor(test.executor != null ? test.executor : new InlineExecutor())
                    .scheduler(scheduler)
                    .clock(clock)
                    .tracer(tracer)
                    .metrics(test.metrics)
                    .lifecycle(event -> {
                        lifecycle.add(event);
                        test.lifecycle.transitioned(event);
                    })
                    .validator(BeanValidationInputValidator.standalone())
                    .settings(EngineSettings.of("crux-test"));
            test.services.forEach((type, service) -> register(builder, type, service));
            this.engine = builder.build();
            engine.register(test.flow);
            this.handle = engine.handle(test.flow.name(), test.action);
        }

        @SuppressWarnings("unchecked")
        private static <T> void register(FlowEngine.Builder builder, Class<T> type, Object service) {
            builder.service(type, (T) service);
        }

        TestRun<O> start(I input) {
            String flowId = options.flowId() != null
                    ? options.flowId()
                    : java.util.UUID.randomUUID().toString();
            engine.events().subscribe(flowId, published::add);
            return continueRun(flowId, h -> h.run(input, options.withFlowId(flowId)));
        }

        TestRun<O> continueRun(String flowId, Function<FlowHandle<I, O>, FlowResult<O>> call) {
            try {
                return new TestRun<>(this, flowId, call.apply(handle), null);
            } catch (CruxException e) {
                return new TestRun<>(this, flowId, null, e);
            }
        }
    }
}
