package io.crux.ee.engine;

import java.lang.reflect.Type;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.JsonValue;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.SuspensionRecord;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.codec.JsonSchemaCheck;

/**
 * The runtime: holds the registered flows, starts, resumes, cancels and recovers runs. One engine
 * per application. Thread-safe.
 */
public final class FlowEngine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FlowEngine.class.getName());
    private static final int LIST_LIMIT = 500;
    private static final int RECOVERY_BATCH = 100;

    static final ThreadLocal<Execution<?, ?>> CURRENT = new ThreadLocal<>();

    final FlowStore store;
    final PayloadCodec codec;
    final ExecutorService executor;
    final ScheduledExecutorService scheduler;
    final Clock clock;
    final FlowTracer tracer;
    final InputValidator validator;
    final EngineSettings settings;
    final EngineLimits limits;
    final SessionStore sessions;
    private final Map<Class<?>, Object> services;
    private final Function<Class<?>, ?> serviceResolver;
    final EventBus bus = new EventBus();

    private final Map<String, FlowModel> flows = new ConcurrentHashMap<>();
    private final Map<String, Execution<?, ?>> active = new ConcurrentHashMap<>();
    /** Runs this node is claiming: not yet {@link #active}, but no longer anybody's orphan. */
    private final java.util.Set<String> claiming = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> maintenance;
    private volatile boolean closed;

    private FlowEngine(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.executor = Objects.requireNonNull(b.executor, "executor");
        this.scheduler = Objects.requireNonNull(b.scheduler, "scheduler");
        this.codec = b.codec != null ? b.codec : new JsonbPayloadCodec();
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.tracer = b.tracer != null ? b.tracer : FlowTracer.NOOP;
        this.validator = b.validator != null ? b.validator : InputValidator.NONE;
        this.settings = b.settings != null ? b.settings : EngineSettings.of("local");
        this.limits = b.limits != null ? b.limits : EngineLimits.defaults();
        this.sessions = b.sessions != null ? b.sessions : new InMemorySessionStore(codec);
        this.services = Map.copyOf(b.services);
        this.serviceResolver = b.serviceResolver;
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
        FlowModel previous = flows.putIfAbsent(flow.name(), flow);
        if (previous != null) {
            throw new FlowDefinitionException(Messages.duplicateFlowName(flow.name(),
                    previous.definitionClass().getName(), flow.definitionClass().getName()));
        }
    }

    /** @return the registered flows */
    public Collection<FlowModel> flows() {
        return List.copyOf(flows.values());
    }

    /** @return the bus that hands this server's request events to its streams */
    public EventBus events() {
        return bus;
    }

    /**
     * A service by type, as blocks find it through {@link io.crux.ee.api.BlockContext#service}: this
     * engine's codec, validator or tracer, else one given to {@link Builder#service}, else what the
     * {@linkplain Builder#services resolver} finds.
     *
     * @param type the service's type
     * @param <T> the service's type
     * @return the service
     * @throws NoSuchElementException if there is none
     */
    public <T> T service(Class<T> type) {
        Object found = type == PayloadCodec.class ? codec
                : type == InputValidator.class ? validator
                : type == FlowTracer.class ? tracer
                : type == SessionStore.class ? sessions
                : services.get(type);
        if (found == null && serviceResolver != null) {
            found = serviceResolver.apply(type);
        }
        if (found == null) {
            throw new NoSuchElementException(Messages.serviceNotFound(type.getName(), services.keySet().stream()
                    .map(Class::getName).sorted().toList()));
        }
        return type.cast(found);
    }

    /** @return the store of sessions, state, items and events */
    public SessionStore sessions() {
        return sessions;
    }

    /**
     * @param flowId a run id
     * @return the stored run, or empty
     */
    public Optional<RunRecord> run(String flowId) {
        return store.findRun(flowId);
    }

    /**
     * @param flowId a run id
     * @return whether the run executes on this server now, so that its events reach this server's
     *     {@linkplain #events() bus} as soon as they are stored
     */
    public boolean executesHere(String flowId) {
        return active.containsKey(flowId);
    }

    /** @return the executor that runs flow bodies */
    public ExecutorService executor() {
        return executor;
    }

    /** @return this node's id */
    public String nodeId() {
        return settings.nodeId();
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
        FlowModel model = flows.get(flow);
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
        RunRecord run = store.findRun(flowId).filter(r -> flows.containsKey(r.flowName()))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(flowId, "*"), flowId));
        return handle(run.flowName(), run.action());
    }

    /**
     * Lists runs of every flow defined here, newest first.
     *
     * @param status the status to match, or {@code null}
     * @return the runs, without steps
     */
    public List<FlowRunInfo> listAll(FlowStatus status) {
        return store.listRuns(null, status, LIST_LIMIT).stream()
                .filter(r -> flows.containsKey(r.flowName()))
                .map(r -> info(r, List.of()))
                .toList();
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
        return store.findRuns(new RunQuery(flows.keySet(), status, userId, offset, limit)).stream()
                .map(r -> info(r, List.of()))
                .toList();
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
                throw new FlowDefinitionException(Messages.ambiguousAction(model.name(), model.actions().keySet(), where));
            }
            return model.actions().values().iterator().next();
        }
        ActionModel a = model.actions().get(action);
        if (a == null) {
            throw new FlowDefinitionException(Messages.unknownAction(model.name(), action, model.actions().keySet(), where));
        }
        return a;
    }

    // ---------------------------------------------------------------- start

    <I, O> Execution<I, O> start(FlowModel flow, ActionModel action, I input, RunOptions options) {
        checkOpen();
        @SuppressWarnings("unchecked")
        I typed = (I) convertInput(flow, action, input, "input", null);
        return startChecked(flow, action, typed, options);
    }

    /** Starts a run with input that was converted and checked already, at the edge that received it. */
    <I, O> Execution<I, O> startChecked(FlowModel flow, ActionModel action, I typed, RunOptions options) {
        checkOpen();
        Execution<?, ?> parent = CURRENT.get();
        String flowId = newRunId(options);
        RunContext inherited = parent != null ? parent.context() : null;
        RunContext context = new RunContext(parent != null ? parent.flowId() : null,
                first(options.sessionId(), inherited == null ? null : inherited.sessionId()),
                first(options.userId(), inherited == null ? null : inherited.userId()),
                first(options.projectId(), inherited == null ? null : inherited.projectId()),
                options.events());
        Execution<I, O> exec = new Execution<>(this, flow, action, flowId, typed, context, List.of(),
                tracer.captureContext(), 0);
        // registered before the run row commits, so that maintenance on this node never takes a
        // run that is still starting for an orphan and runs it a second time
        if (active.putIfAbsent(flowId, exec) != null) {
            throw new FlowConflictException(Messages.runIdTaken(flowId), flowId, null);
        }
        if (flow.durable()) {
            Instant now = clock.instant();
            try {
                exec.publish(store.createRun(new RunRecord(flowId, flow.name(), action.name(), FlowStatus.RUNNING,
                        context.parentFlowId(), context.sessionId(), context.userId(), context.projectId(),
                        context.events(), codec.encode(typed), null, null, null, settings.nodeId(), leaseEnd(now), now,
                        now, 0), exec::startEvents));
            } catch (RuntimeException e) {
                active.remove(flowId, exec);
                throw e;
            }
        }
        return exec;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
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
        FlowModel model = flows.get(flow);
        if (model == null) {
            throw new FlowDefinitionException(Messages.unknownFlow(flow, "a request"));
        }
        return convertInput(model, resolveAction(model, action, "a request"), raw, "input", null);
    }

    /**
     * @param flow a flow's name
     * @return its model, if it is defined here
     */
    public Optional<FlowModel> flow(String flow) {
        return Optional.ofNullable(flows.get(flow));
    }

    /** Runs the execution on this thread when called from inside a step, else on the managed executor. */
    void launch(Execution<?, ?> exec, boolean inlineIfNested) {
        if (inlineIfNested && CURRENT.get() != null) {
            exec.invoke();
        } else {
            submit(exec);
        }
    }

    void submit(Execution<?, ?> exec) {
        // publish the task before it can run: an invocation that unwinds to a retry wait replaces it
        // with the scheduled retry, which must not be overwritten by this task afterwards
        FutureTask<Void> task = new FutureTask<>(exec::invoke, null);
        exec.setPending(task);
        try {
            executor.execute(task);
        } catch (RuntimeException rejected) {
            // the executor is shutting down: the run stays RUNNING and is recovered on restart
            exec.abandon(rejected);
        }
    }

    void scheduleRetry(Execution<?, ?> exec, Duration delay) {
        try {
            exec.setPending(scheduler.schedule(exec::invoke, delay.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RuntimeException rejected) {
            exec.abandon(rejected);
        }
    }

    /**
     * The id a handle gives a run it starts: the caller's, or when the handle is used from a run's
     * code, one derived from that run and its step, or else a random one.
     */
    String newRunId(RunOptions options) {
        if (options.flowId() != null) {
            return options.flowId();
        }
        Execution<?, ?> parent = CURRENT.get();
        return parent != null ? parent.childId() : UUID.randomUUID().toString();
    }

    /**
     * @param flow the run's flow
     * @param options the options a handle was given
     * @param flowId the id {@link #newRunId} gave the run
     * @return whether a step of the current run started this run before, and now runs again
     */
    boolean startedBefore(FlowModel flow, RunOptions options, String flowId) {
        if (options.flowId() != null || CURRENT.get() == null) {
            return false; // the caller's id, or a new top-level run: nothing to look for
        }
        return active.containsKey(flowId) || flow.durable() && store.findRun(flowId).isPresent();
    }

    /**
     * Waits for the outcome of a run that a step of the current run started before: takes it from
     * the store when the run has ended or suspended, waits for it when it executes here, continues
     * it here when it is an orphan, and waits for its end when another server holds it.
     */
    <O> FlowResult<O> attach(FlowModel flow, String flowId) {
        while (true) {
            @SuppressWarnings("unchecked")
            Execution<?, O> local = (Execution<?, O>) active.get(flowId);
            if (local != null) {
                return await(local);
            }
            RunRecord run = findRun(flow, flowId);
            Instant now = clock.instant();
            if (run.status() == FlowStatus.FAILED) {
                throw new FlowFailedException(run.error(), flowId, null);
            }
            if (run.status() != FlowStatus.RUNNING) {
                return storedResult(flow, run);
            }
            if (!settings.nodeId().equals(run.owner()) && !run.leaseExpiredAt(now)) {
                java.util.concurrent.locks.LockSupport.parkNanos(settings.maintenanceInterval().toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    throw new FlowFailedException(Messages.flowFailed(flowId, flow.name(), new InterruptedException()),
                            flowId, null);
                }
                continue;
            }
            try {
                Execution<?, O> exec = revive(flow, store.claim(run, settings.nodeId(), leaseEnd(now), null));
                launch(exec, true);
                return await(exec);
            } catch (FlowConflictException raced) {
                // maintenance took it first: wait for it as it executes
            }
        }
    }

    /** A stored run's outcome, or {@code null} while it runs or when it failed. */
    <O> FlowResult<O> storedResult(FlowModel flow, RunRecord run) {
        String flowId = run.flowId();
        SuspensionRecord s = run.suspension();
        return switch (run.status()) {
            case CANCELLED -> new FlowResult.Cancelled<>(flowId, run.error());
            case EXPIRED -> new FlowResult.Expired<>(flowId, s == null ? null : s.suspendedAt());
            case COMPLETED -> {
                @SuppressWarnings("unchecked")
                O output = (O) codec.decode(run.output(), flow.classLoader());
                yield new FlowResult.Completed<>(flowId, output);
            }
            case SUSPENDED -> new FlowResult.Suspended<>(flowId, s.name(), s.suspendedAt(), s.expiresAt());
            case FAILED, RUNNING -> null;
        };
    }

    static <O> FlowResult<O> await(Execution<?, O> exec) {
        try {
            return exec.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowFailedException(Messages.flowFailed(exec.flowId(), exec.flowName(), e), exec.flowId(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CruxException c) {
                throw c;
            }
            throw new FlowFailedException(Messages.flowFailed(exec.flowId(), exec.flowName(), e.getCause()),
                    exec.flowId(), e.getCause());
        }
    }

    private Object convertInput(FlowModel flow, ActionModel action, Object value, String what, String flowId) {
        checkJson(flow, value, action == null ? Object.class : action.inputType(), what, flowId);
        Object converted;
        try {
            converted = codec.convert(value, action == null ? Object.class : action.inputType());
        } catch (IllegalArgumentException e) {
            List<Violation> v = List.of(new Violation("", e.getMessage()));
            throw new InvalidInputException(Messages.invalidInput(what, flow.name(), v), flowId, v);
        }
        return validated(flow, converted, what, flowId);
    }

    /** Parsed JSON (from the HTTP API) must fit the type's schema before JSON-B may bind it. */
    private static void checkJson(FlowModel flow, Object value, Type type, String what, String flowId) {
        if (value instanceof JsonValue json) {
            List<Violation> violations = JsonSchemaCheck.check(json, type);
            if (!violations.isEmpty()) {
                throw new InvalidInputException(Messages.invalidInput(what, flow.name(), violations), flowId, violations);
            }
        }
    }

    private Object validated(FlowModel flow, Object value, String what, String flowId) {
        List<Violation> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            throw new InvalidInputException(Messages.invalidInput(what, flow.name(), violations), flowId, violations);
        }
        return value;
    }

    Instant leaseEnd(Instant now) {
        return now.plus(settings.leaseDuration());
    }

    void finished(Execution<?, ?> exec) {
        active.remove(exec.flowId(), exec);
    }

    // ---------------------------------------------------------------- resume, signal, cancel

    <O> FlowResult<O> resume(FlowModel flow, String flowId) {
        return continueRun(flow, flowId, null, null, false);
    }

    <O> FlowResult<O> signal(FlowModel flow, String flowId, String name, Object payload) {
        Objects.requireNonNull(name, "name");
        return continueRun(flow, flowId, name, payload, true);
    }

    private <O> FlowResult<O> continueRun(FlowModel flow, String flowId, String signalName, Object payload, boolean isSignal) {
        checkOpen();
        requireDurable(flow, isSignal ? "take signals" : "be resumed");
        RunRecord run = findRun(flow, flowId);
        Instant now = clock.instant();
        String operation = isSignal ? "signalled" : "resumed";
        switch (run.status()) {
            case SUSPENDED -> { }
            case RUNNING -> {
                if (!run.leaseExpiredAt(now) || isSignal) {
                    throw new FlowConflictException(Messages.runBusy(flowId, run.owner()), flowId, null);
                }
            }
            default -> throw new FlowStateException(Messages.runFinished(flowId, run.status().name(), operation),
                    flowId, run.status());
        }
        SuspensionRecord suspension = run.suspension();
        CheckpointRecord signal = null;
        if (suspension != null) {
            if (isSignal && !suspension.name().equals(signalName)) {
                throw new FlowStateException(Messages.wrongSignal(flowId, suspension.name(), signalName), flowId, run.status());
            }
            if (suspension.isExpiredAt(now)) {
                endStored(run, FlowStatus.EXPIRED, null);
                return new FlowResult.Expired<>(flowId, suspension.suspendedAt());
            }
            if (isSignal && !suspension.isWait()) {
                Object value = signalPayload(flow, suspension, payload, flowId);
                signal = new CheckpointRecord(flowId, suspension.position(), suspension.name(), CheckpointKind.SIGNAL,
                        value, codec.encode(value), 1, false, now);
            }
        }
        // reserved before the claim commits, so that maintenance on this node never takes the
        // claimed run for an orphan before it is active and runs it a second time
        if (!reserve(flowId)) {
            throw new FlowConflictException(Messages.runBusy(flowId, settings.nodeId()), flowId, null);
        }
        Execution<?, O> exec;
        try {
            exec = revive(flow, store.claim(run, settings.nodeId(), leaseEnd(now), signal));
        } finally {
            claiming.remove(flowId);
        }
        launch(exec, true);
        return await(exec);
    }

    /**
     * Reserves a run for a claim by this node.
     *
     * @return false if the run executes here or another thread of this node is claiming it
     */
    private boolean reserve(String flowId) {
        if (!claiming.add(flowId)) {
            return false;
        }
        // checked after the reservation: an execution becomes active before its claimer lets go
        if (active.containsKey(flowId)) {
            claiming.remove(flowId);
            return false;
        }
        return true;
    }

    private Object signalPayload(FlowModel flow, SuspensionRecord suspension, Object payload, String flowId) {
        Class<?> type;
        try {
            type = Class.forName(suspension.payloadType(), false, flow.classLoader());
        } catch (ClassNotFoundException e) {
            throw new FlowStateException(Messages.cannotDecode(suspension.payloadType(), e), flowId, FlowStatus.SUSPENDED);
        }
        checkJson(flow, payload, type, "signal payload", flowId);
        Object converted;
        try {
            converted = codec.convert(payload, type);
        } catch (IllegalArgumentException e) {
            List<Violation> v = List.of(new Violation("", e.getMessage()));
            throw new InvalidInputException(Messages.invalidInput("signal payload", flow.name(), v), flowId, v);
        }
        return validated(flow, converted, "signal payload", flowId);
    }

    /** Builds an execution for a claimed run from its checkpoints, loaded in one query. */
    private <I, O> Execution<I, O> revive(FlowModel flow, RunRecord run) {
        ActionModel action = resolveAction(flow, run.action(), "stored run " + run.flowId());
        @SuppressWarnings("unchecked")
        I input = (I) codec.decode(run.input(), flow.classLoader());
        List<CheckpointRecord> checkpoints = store.loadCheckpoints(run.flowId());
        RunContext context = new RunContext(run.parentFlowId(), run.sessionId(), run.userId(), run.projectId(), run.events());
        long lastSeq = run.events() ? sessions.lastSeq(run.flowId()) : 0;
        Execution<I, O> exec = new Execution<>(this, flow, action, run.flowId(), input, context, checkpoints,
                tracer.captureContext(), lastSeq);
        active.put(run.flowId(), exec);
        return exec;
    }

    void cancel(FlowModel flow, String flowId, String reason) {
        Execution<?, ?> local = active.get(flowId);
        if (!flow.durable()) {
            if (local == null || !local.flowName().equals(flow.name())) {
                throw new FlowNotFoundException(Messages.runNotFound(flowId, flow.name()), flowId);
            }
            local.cancelFromOutside(reason);
            return;
        }
        RunRecord run = findRun(flow, flowId);
        try {
            endUnlessFinal(run, FlowStatus.CANCELLED, reason, "cancelled");
        } catch (FlowConflictException conflict) {
            // a signal, resume or the run's own end raced with us: decide on what is stored now
            endUnlessFinal(findRun(flow, flowId), FlowStatus.CANCELLED, reason, "cancelled");
        }
        cancelChildren(flowId, reason);
        if (local != null) {
            local.cancelFromOutside(reason);
        }
    }

    /** Cancels the runs that steps of a cancelled run started and that are still open, and theirs. */
    private void cancelChildren(String parentId, String reason) {
        for (RunRecord child : store.findOpenChildren(parentId)) {
            FlowModel model = flows.get(child.flowName());
            if (model == null) {
                continue; // not defined here: its own server's cancel of the parent reaches it
            }
            try {
                cancel(model, child.flowId(), reason);
            } catch (FlowStateException | FlowConflictException ended) {
                // it ended meanwhile
            }
        }
    }

    private void endUnlessFinal(RunRecord run, FlowStatus status, String reason, String operation) {
        if (run.status().isFinal()) {
            throw new FlowStateException(Messages.runFinished(run.flowId(), run.status().name(), operation),
                    run.flowId(), run.status());
        }
        endStored(run, status, reason);
    }

    /**
     * Ends a run that this caller does not execute. A run that a node holds on a live lease is
     * left to that node, which sees the end at its next write or lease renewal and writes the
     * request's last event; any other (suspended, orphaned, or cancelled and never acknowledged)
     * gets its last event here, in the transaction of its end, which closes its request stream.
     */
    private void endStored(RunRecord run, FlowStatus status, String reason) {
        List<EventRecord> written = store.end(run, status, reason, ended -> {
            if (!run.events() || ended.owner() != null) {
                return List.of();
            }
            RequestEvents events = new RequestEvents(this, run.flowId(), sessions.lastSeq(run.flowId()), true);
            events.gather();
            if (status == FlowStatus.CANCELLED) {
                events.append("request.cancelled", reason == null ? Map.of() : Map.of("reason", reason));
            } else {
                events.append("request.failed", Map.of("error", "expired", "status", status.name()));
            }
            return events.write();
        });
        if (!written.isEmpty()) {
            store.afterCommit(() -> written.forEach(bus::publish));
        }
    }

    // ---------------------------------------------------------------- queries

    RunRecord findRun(FlowModel flow, String flowId) {
        return store.findRun(flowId)
                .filter(r -> r.flowName().equals(flow.name()))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(flowId, flow.name()), flowId));
    }

    Optional<FlowRunInfo> get(FlowModel flow, String flowId) {
        if (!flow.durable()) {
            return Optional.empty();
        }
        return store.findRun(flowId)
                .filter(r -> r.flowName().equals(flow.name()))
                .map(r -> info(r, store.loadCheckpoints(flowId)));
    }

    List<FlowRunInfo> list(FlowModel flow, FlowStatus status) {
        if (!flow.durable()) {
            return List.of();
        }
        return store.listRuns(flow.name(), status, LIST_LIMIT).stream().map(r -> info(r, List.of())).toList();
    }

    /**
     * @param run a stored run
     * @param checkpoints its checkpoints
     * @return its public snapshot
     */
    public static FlowRunInfo info(RunRecord run, List<CheckpointRecord> checkpoints) {
        List<FlowRunInfo.StepInfo> steps = new ArrayList<>(checkpoints.size());
        for (CheckpointRecord c : checkpoints) {
            steps.add(new FlowRunInfo.StepInfo(c.position(), c.label(), c.kind().name().toLowerCase(java.util.Locale.ROOT),
                    c.attempts(), c.fallback(), c.completedAt()));
        }
        SuspensionRecord s = run.status() == FlowStatus.SUSPENDED ? run.suspension() : null;
        return new FlowRunInfo(run.flowId(), run.flowName(), run.action(), run.status(), run.parentFlowId(),
                run.sessionId(), s == null ? null : s.name(), s == null ? null : s.expiresAt(), run.error(),
                run.createdAt(), run.updatedAt(), List.copyOf(steps));
    }

    // ---------------------------------------------------------------- recovery and leases

    /**
     * Renews this node's leases and continues every orphaned run of a registered flow from its
     * last checkpoint. Safe to call from several servers at once: each run is claimed by one.
     *
     * @return how many runs this call recovered
     */
    public int maintain() {
        if (closed) {
            return 0;
        }
        Instant now = clock.instant();
        java.util.Set<String> held = store.renewHeldLeases(settings.nodeId(), leaseEnd(now));
        for (Execution<?, ?> local : active.values()) {
            if (local.flow().durable() && !held.contains(local.flowId())) {
                stopIfNotHeld(local);
            }
        }
        int recovered = 0;
        for (RunRecord run : store.findRecoverable(settings.nodeId(), now, RECOVERY_BATCH)) {
            FlowModel flow = flows.get(run.flowName());
            if (flow == null || !reserve(run.flowId())) {
                continue;
            }
            Execution<?, ?> exec;
            try {
                if (run.status() == FlowStatus.CANCELLED) {
                    // its owner died before it acknowledged the cancel: end it and close its stream
                    endStored(run, FlowStatus.CANCELLED, run.error());
                    continue;
                }
                RunRecord claimed = store.claim(run, settings.nodeId(), leaseEnd(now), null);
                LOG.info(Messages.recovering(run.flowId(), run.flowName()));
                exec = revive(flow, claimed);
            } catch (FlowConflictException lost) {
                continue; // another server claimed it first
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, Messages.recoveryFailed(run.flowId(), e), e);
                continue;
            } finally {
                claiming.remove(run.flowId());
            }
            submit(exec);
            recovered++;
        }
        return recovered;
    }

    /**
     * An execution whose lease this node did not renew: another node took the run over (this node
     * stalled longer than the lease), so it stops here without writing; or another caller
     * cancelled it, so it stops as cancelled. A run that is starting, suspending or ending is left
     * alone: its own writes decide.
     */
    private void stopIfNotHeld(Execution<?, ?> local) {
        RunRecord run = store.findRun(local.flowId()).orElse(null);
        if (run == null) {
            return;
        }
        if (settings.nodeId().equals(run.owner())) {
            if (run.status() == FlowStatus.CANCELLED) {
                local.cancelFromOutside(run.error());
            }
        } else if (run.status() == FlowStatus.RUNNING) {
            local.loseLease(new LeaseLostException(Messages.fenced(run.flowId(), settings.nodeId(), run.owner(),
                    run.status().name()), run.flowId(), run.owner()));
        }
    }

    /** Runs {@link #maintain()} now and then every maintenance interval on the scheduler. */
    public void startMaintenance() {
        long every = settings.maintenanceInterval().toMillis();
        maintenance = scheduler.scheduleWithFixedDelay(() -> {
            try {
                maintain();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, Messages.maintenanceFailed(e), e);
            }
        }, 0, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Stops maintenance and scheduled retries. Runs that are still executing keep their RUNNING
     * status and are recovered by the next server that starts or whose scan finds their lease
     * expired.
     */
    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> m = maintenance;
        if (m != null) {
            m.cancel(false);
        }
        for (Execution<?, ?> e : active.values()) {
            e.cancelPendingRetry();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new FlowStateException(Messages.engineClosed(), null, null);
        }
    }

    void requireDurable(FlowModel flow, String operation) {
        if (!flow.durable()) {
            throw new FlowDefinitionException(Messages.notDurable(flow.name(), operation));
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
        private InputValidator validator;
        private EngineSettings settings;
        private EngineLimits limits;
        private SessionStore sessions;
        private final Map<Class<?>, Object> services = new HashMap<>();
        private Function<Class<?>, ?> serviceResolver;

        private Builder() {}

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
