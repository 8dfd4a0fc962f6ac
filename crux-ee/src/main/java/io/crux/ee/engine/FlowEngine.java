package io.crux.ee.engine;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionStore;

/**
 * The runtime: holds the registered flows, starts, resumes, cancels and recovers runs. One engine
 * per application. Thread-safe.
 *
 * <p>The engine is the entry point; the work is done by its parts, which share the engine's
 * collaborators as one {@link EngineServices}: the {@link EngineRegistry} of flows and local runs,
 * the {@link Launcher}, {@link RunControl} (resume, signal, cancel), {@link RunQueries},
 * {@link Recovery} (leases and orphans) and {@link InputConversion}.
 */
public final class FlowEngine implements AutoCloseable {

    private final EngineServices services;
    private final EngineRegistry registry = new EngineRegistry();
    private final InputConversion inputs;
    private final RunQueries queries;
    private final Launcher launcher;
    private final RunControl control;
    private final Recovery recovery;
    private final EngineGauges gauges;
    private final FlowMetrics.Observation observation;

    private FlowEngine(Builder b) {
        PayloadCodec codec = b.codec != null ? b.codec : new JsonbPayloadCodec();
        Clock clock = b.clock != null ? b.clock : Clock.systemUTC();
        EngineSettings settings = b.settings != null ? b.settings : EngineSettings.of("local");
        this.services = new EngineServices(
                Objects.requireNonNull(b.store, "store"),
                b.sessions != null ? b.sessions : new InMemorySessionStore(codec),
                codec,
                b.validator != null ? b.validator : InputValidator.NONE,
                b.tracer != null ? b.tracer : FlowTracer.NOOP,
                GuardedMetrics.of(b.metrics),
                new RunLifecycle(Objects.requireNonNull(b.store, "store"), b.lifecycle, clock),
                Objects.requireNonNull(b.executor, "executor"),
                Objects.requireNonNull(b.scheduler, "scheduler"),
                clock,
                settings,
                b.limits != null ? b.limits : EngineLimits.defaults(),
                new EventBus(),
                new NodeGuard(b.store, settings, b.process != null ? b.process : NodeProcess.current()),
                Map.copyOf(b.services),
                b.serviceResolver);
        this.gauges = new EngineGauges(registry, services.bus());
        this.inputs = new InputConversion(services);
        this.queries = new RunQueries(services, registry);
        this.launcher = new Launcher(services, registry, queries, inputs);
        this.control = new RunControl(services, registry, queries, launcher, inputs);
        this.recovery = new Recovery(services, registry, launcher, control, gauges);
        this.observation = services.metrics().observe(gauges);
    }

    /** @return a builder; store, executor and scheduler are required */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers a flow.
     *
     * @param flow the flow
     * @throws FlowDefinitionException if the name is taken
     */
    public void register(FlowModel flow) {
        registry.register(flow);
    }

    /** @return the registered flows */
    public Collection<FlowModel> flows() {
        return registry.flows();
    }

    /**
     * @param flow a flow's name
     * @return its model, if it is defined here
     */
    public Optional<FlowModel> flow(String flow) {
        return Optional.ofNullable(registry.flow(flow));
    }

    /** @return the bus that hands this server's request events to its streams */
    public EventBus events() {
        return services.bus();
    }

    /**
     * A service by type, as blocks find it through {@link io.crux.ee.api.BlockContext#service}: this
     * engine's codec, validator, tracer or session store, else one given to {@link Builder#service},
     * else what the {@linkplain Builder#services resolver} finds.
     *
     * @param type the service's type
     * @param <T> the service's type
     * @return the service
     * @throws NoSuchElementException if there is none
     */
    public <T> T service(Class<T> type) {
        return services.service(type);
    }

    /** @return the store of sessions, state, items and events */
    public SessionStore sessions() {
        return services.sessions();
    }

    /**
     * @param flowId a run id
     * @return the stored run, or empty
     */
    public Optional<RunRecord> run(String flowId) {
        return services.store().findRun(flowId);
    }

    /**
     * @param flowId a run id
     * @return whether the run executes on this server now, so that its events reach this server's
     *     {@linkplain #events() bus} as soon as they are stored
     */
    public boolean executesHere(String flowId) {
        return registry.executesHere(flowId);
    }

    /** @return the executor that runs flow bodies */
    public ExecutorService executor() {
        return services.executor();
    }

    /** @return this node's id */
    public String nodeId() {
        return services.nodeId();
    }

    /**
     * @param flow the flow's name
     * @param action the action's name, or empty for the only one
     * @param <I> the input type
     * @param <O> the output type
     * @return a handle
     * @throws FlowDefinitionException if the flow or action does not exist or the action is ambiguous
     */
    public <I, O> FlowHandle<I, O> handle(String flow, String action) {
        FlowModel model = registry.flow(flow);
        if (model == null) {
            throw new FlowDefinitionException(Messages.unknownFlow(flow, "a FlowHandle"));
        }
        return new EngineFlowHandle<>(this, model, resolveAction(model, action, "a FlowHandle"));
    }

    /**
     * A handle for the flow and action of a stored run, for generic tools such as the HTTP API.
     *
     * @param flowId the run id
     * @return the handle
     * @throws FlowNotFoundException if the run does not exist or its flow is not defined here
     */
    public FlowHandle<Object, Object> handleOfRun(String flowId) {
        RunRecord run = queries.findRunOfAnyFlow(flowId);
        return handle(run.flowName(), run.action());
    }

    /**
     * Lists runs of every flow defined here, newest first.
     *
     * @param status the status to match, or {@code null}
     * @return the runs, without steps
     */
    public List<FlowRunInfo> listAll(FlowStatus status) {
        return queries.listAll(status);
    }

    /**
     * Reads one page of runs of the flows defined here, newest first, in the store.
     *
     * @param status the status to match, or {@code null}
     * @param userId the user whose runs to return, or {@code null} for every run
     * @param offset how many matching runs to skip
     * @param limit the most to return
     * @return the runs, without steps
     */
    public List<FlowRunInfo> findRuns(FlowStatus status, String userId, int offset, int limit) {
        return queries.findRuns(status, userId, offset, limit);
    }

    /** @return the stored runs of flows defined here, read by the devtools */
    RunQueries queries() {
        return queries;
    }

    /**
     * @param flowId a run id
     * @return the attempts of its steps that run on this server now
     */
    List<io.crux.ee.service.RunningAttempt> running(String flowId) {
        Execution<?, ?> exec = registry.active(flowId);
        return exec == null ? List.of() : exec.running();
    }

    /**
     * @param run a stored run
     * @param checkpoints its checkpoints
     * @return its public snapshot
     */
    public static FlowRunInfo info(RunRecord run, List<CheckpointRecord> checkpoints) {
        return RunQueries.info(run, checkpoints);
    }

    /**
     * Picks an action of a flow.
     *
     * @param model the flow
     * @param action the name, or empty for the only one
     * @param where who asks, for the message
     * @return the action
     * @throws FlowDefinitionException if it does not exist or is ambiguous
     */
    public static ActionModel resolveAction(FlowModel model, String action, String where) {
        if (action == null || action.isEmpty()) {
            if (model.actions().size() != 1) {
                throw new FlowDefinitionException(
                        Messages.ambiguousAction(model.name(), model.actions().keySet(), where));
            }
            return model.actions().values().iterator().next();
        }
        ActionModel a = model.actions().get(action);
        if (a == null) {
            throw new FlowDefinitionException(
                    Messages.unknownAction(model.name(), action, model.actions().keySet(), where));
        }
        return a;
    }

    /**
     * Converts and checks an action's input, as a run would, without starting anything.
     *
     * @param flow the flow's name
     * @param action the action's name
     * @param raw the input, for example a JSON-P value or a map
     * @return the input as the action's input type
     * @throws InvalidInputException if it does not convert or is not valid
     */
    public Object prepareInput(String flow, String action, Object raw) {
        FlowModel model = registry.flow(flow);
        if (model == null) {
            throw new FlowDefinitionException(Messages.unknownFlow(flow, "a request"));
        }
        return inputs.input(model, resolveAction(model, action, "a request"), raw, "input", null);
    }

    // ---------------------------------------------------------------- for the engine's handles

    <I, O> Execution<I, O> start(FlowModel flow, ActionModel action, I input, RunOptions options) {
        return launcher.start(flow, action, input, options);
    }

    <I, O> Execution<I, O> startChecked(FlowModel flow, ActionModel action, I typed, RunOptions options) {
        return launcher.startChecked(flow, action, typed, options);
    }

    void launch(Execution<?, ?> exec, boolean inlineIfNested) {
        launcher.launch(exec, inlineIfNested);
    }

    String newRunId(RunOptions options) {
        return launcher.newRunId(options);
    }

    boolean startedBefore(FlowModel flow, RunOptions options, String flowId) {
        return launcher.startedBefore(flow, options, flowId);
    }

    <O> FlowResult<O> attach(FlowModel flow, String flowId) {
        return launcher.attach(flow, flowId);
    }

    static <O> FlowResult<O> await(Execution<?, O> exec) {
        return Launcher.await(exec);
    }

    <O> FlowResult<O> resume(FlowModel flow, String flowId) {
        return control.resume(flow, flowId);
    }

    <O> FlowResult<O> signal(FlowModel flow, String flowId, String name, Object payload) {
        return control.signal(flow, flowId, name, payload);
    }

    void cancel(FlowModel flow, String flowId, String reason) {
        control.cancel(flow, flowId, reason);
    }

    Optional<FlowRunInfo> get(FlowModel flow, String flowId) {
        return queries.get(flow, flowId);
    }

    List<FlowRunInfo> list(FlowModel flow, FlowStatus status) {
        return queries.list(flow, status);
    }

    // ---------------------------------------------------------------- recovery and leases

    /**
     * Renews this node's hold of its node id and its leases, and continues every orphaned run of a
     * registered flow from its last checkpoint. Safe to call from several servers at once: each run
     * is claimed by one.
     *
     * @return how many runs this call recovered
     * @throws io.crux.ee.api.exception.NodeIdInUseException if another live server holds this node's
     *     id: nothing is renewed or recovered (and if this node held the id until now, its executions stop)
     */
    public int maintain() {
        return recovery.maintain();
    }

    /**
     * Runs {@link #maintain()} now and then every maintenance interval on the scheduler; until a
     * pass succeeds, one that fails is tried again sooner (the application may still be starting).
     */
    public void startMaintenance() {
        recovery.start();
    }

    /**
     * @return how this node's maintenance stands: whether it is scheduled, whether its first pass
     *     finished, when its last successful pass ended, and its interval
     */
    public MaintenanceStatus maintenance() {
        return recovery.status();
    }

    /**
     * Stops maintenance and scheduled retries. Runs that are still executing keep their RUNNING
     * status and are recovered by the next server that starts or whose scan finds their lease
     * expired.
     */
    @Override
    public void close() {
        try {
            registry.close();
            recovery.stop();
        } finally {
            boolean executing = registry.claimingAny()
                    || registry.active().stream().anyMatch(e -> e.flow().durable());
            services.node().close(executing);
            observation.close();
        }
    }

    /** Collects the engine's collaborators. */
    public static final class Builder {
        private FlowStore store;
        private PayloadCodec codec;
        private ExecutorService executor;
        private ScheduledExecutorService scheduler;
        private Clock clock;
        private FlowTracer tracer;
        private FlowMetrics metrics;
        private FlowLifecycleListener lifecycle = FlowLifecycleListener.NOOP;
        private InputValidator validator;
        private EngineSettings settings;
        private EngineLimits limits;
        private SessionStore sessions;
        private final Map<Class<?>, Object> services = new HashMap<>();
        private Function<Class<?>, ?> serviceResolver;
        private NodeProcess process;

        private Builder() {}

        /** For tests: the process the engine says it runs in, to play servers of one host. */
        Builder process(NodeProcess process) {
            this.process = process;
            return this;
        }

        /**
         * Gives blocks a service, which they find by its type through
         * {@link io.crux.ee.api.BlockContext#service} (a generator's {@code ModelRegistry}, say).
         *
         * @param type the type blocks ask for
         * @param service the service
         * @param <T> the type
         * @return this builder
         */
        public <T> Builder service(Class<T> type, T service) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(service, "service"));
            return this;
        }

        /**
         * @param resolver finds the services that were not {@linkplain #service given}, or returns null;
         *     the CDI runtime looks them up as beans; default none
         * @return this builder
         */
        public Builder services(Function<Class<?>, ?> resolver) {
            this.serviceResolver = resolver;
            return this;
        }

        public Builder sessions(SessionStore sessions) {
            this.sessions = sessions;
            return this;
        }

        public Builder store(FlowStore store) {
            this.store = store;
            return this;
        }

        public Builder codec(PayloadCodec codec) {
            this.codec = codec;
            return this;
        }

        public Builder executor(ExecutorService executor) {
            this.executor = executor;
            return this;
        }

        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder tracer(FlowTracer tracer) {
            this.tracer = tracer;
            return this;
        }

        /**
         * @param metrics counts runs, steps and recoveries; default {@link FlowMetrics#NOOP}
         * @return this builder
         */
        public Builder metrics(FlowMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * @param lifecycle told of each run's transitions after they commit (the CDI integration
         *     fires them as CDI events); default {@link FlowLifecycleListener#NOOP}
         * @return this builder
         */
        public Builder lifecycle(FlowLifecycleListener lifecycle) {
            this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
            return this;
        }

        public Builder validator(InputValidator validator) {
            this.validator = validator;
            return this;
        }

        public Builder settings(EngineSettings settings) {
            this.settings = settings;
            return this;
        }

        /**
         * @param limits the limits on what runs store; default {@link EngineLimits#defaults()}
         * @return this builder
         */
        public Builder limits(EngineLimits limits) {
            this.limits = limits;
            return this;
        }

        public FlowEngine build() {
            return new FlowEngine(this);
        }
    }
}
