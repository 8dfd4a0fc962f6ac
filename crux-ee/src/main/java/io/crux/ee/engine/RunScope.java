package io.crux.ee.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.crux.ee.api.Block;
import io.crux.ee.api.CancellationToken;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.Resource;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopedState;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.TypedState;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.StateChange;

/**
 * The {@link FlowScope} a run's body sees: its identity and input, its stored state, and the
 * steps, suspensions, waits and items it records, handed to the parts of the run that do them.
 */
final class RunScope<I> implements FlowScope<I> {

    private final Execution<I, ?> run;
    private final EngineServices services;
    private final FlowModel flow;
    private final String flowId;
    private final I input;
    private final RunContext context;
    private final ThreadLocal<Frame> frames;
    private final CheckpointJournal journal;
    private final RunOutbox outbox;
    private final StepRunner steps;
    private final RunCancellation cancellation;
    private final Object lock = new Object();
    private final ScopedState requestState;
    private ScopedState sessionState;
    private ScopedState userState;
    private ScopedState projectState;

    RunScope(
            Execution<I, ?> run,
            EngineServices services,
            FlowModel flow,
            I input,
            RunContext context,
            ThreadLocal<Frame> frames,
            CheckpointJournal journal,
            RunOutbox outbox,
            StepRunner steps,
            RunCancellation cancellation) {
        this.run = run;
        this.services = services;
        this.flow = flow;
        this.flowId = run.flowId();
        this.input = input;
        this.context = context;
        this.frames = frames;
        this.journal = journal;
        this.outbox = outbox;
        this.steps = steps;
        this.cancellation = cancellation;
        this.requestState = new StoredState(
                "request",
                StoredState.inMemory(),
                services.codec(),
                keys -> outbox.stateChanged("request", keys),
                guard(Scope.REQUEST));
    }

    /** Runs a block as the run's body; see {@link ActionModel#runBlock}. */
    Object runRoot(Block<?, ?> block) {
        return run.blocks().runRoot(block, input);
    }

    // ---------------------------------------------------------------- identity

    @Override
    public I input() {
        return input;
    }

    @Override
    public String flowId() {
        return flowId;
    }

    @Override
    public String flowName() {
        return flow.name();
    }

    @Override
    public Optional<String> parentFlowId() {
        return Optional.ofNullable(context.parentFlowId());
    }

    @Override
    public Optional<String> sessionId() {
        return Optional.ofNullable(context.sessionId());
    }

    @Override
    public String idempotencyKey() {
        String stepId = frames.get().stepId;
        if (stepId == null) {
            throw new IllegalStateException(Messages.idempotencyKeyOutsideStep(flowId));
        }
        // a name-based UUID: short and opaque enough for any provider's key field, and the same for
        // the same step id (the run id with the step's label and occurrence, or its path)
        return UUID.nameUUIDFromBytes(("crux-step:" + stepId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Override
    public Optional<String> userId() {
        return Optional.ofNullable(context.userId());
    }

    // ---------------------------------------------------------------- cancellation

    @Override
    public CancellationToken cancellation() {
        return cancellation;
    }

    @Override
    public void cancel(String reason) {
        cancellation.cancel(reason);
    }

    // ---------------------------------------------------------------- state

    @Override
    public ScopedState session() {
        synchronized (lock) {
            if (sessionState == null) {
                sessionState = flow.ephemeralSessions()
                        ? new StoredState(
                                "session",
                                StoredState.inMemory(),
                                services.codec(),
                                keys -> outbox.stateChanged("session", keys),
                                guard(Scope.SESSION))
                        : stored("session", require(context.sessionId(), "session"));
            }
            return sessionState;
        }
    }

    @Override
    public ScopedState user() {
        synchronized (lock) {
            if (userState == null) {
                userState = stored("user", require(context.userId(), "user"));
            }
            return userState;
        }
    }

    @Override
    public ScopedState project() {
        synchronized (lock) {
            if (projectState == null) {
                projectState = stored("project", context.project());
            }
            return projectState;
        }
    }

    @Override
    public ScopedState request() {
        return requestState;
    }

    @Override
    public <S extends Record> TypedState<S> state(Scope scope, Class<S> type) {
        Objects.requireNonNull(type, "type");
        StoredState document = (StoredState)
                switch (Objects.requireNonNull(scope, "scope")) {
                    case SESSION -> session();
                    case USER -> user();
                    case PROJECT -> project();
                    case REQUEST -> request();
                };
        StateSchema schema = flow.state().get(scope);
        StateSchema own = schema == null ? StateSchema.ofRecord(flow.name(), scope, type) : schema.view(type);
        return new TypedStateView<>(
                scope,
                type,
                document,
                new StateGuard(own, services.codec(), services.validator(), flowId),
                services.codec());
    }

    /** @return the guard of a typed scope, or {@code null} for an untyped one */
    private StateGuard guard(Scope scope) {
        StateSchema schema = flow.state().get(scope);
        return schema == null ? null : new StateGuard(schema, services.codec(), services.validator(), flowId);
    }

    private String require(String id, String scope) {
        if (id == null) {
            throw new FlowStateException(Messages.noScope(flowId, scope), flowId, FlowStatus.RUNNING);
        }
        return id;
    }

    private ScopedState stored(String scope, String key) {
        StoredState.Documents docs = new StoredState.Documents() {
            @Override
            public <T> T update(Function<Map<String, Object>, T> change) {
                return services.sessions().updateState(scope, key, change);
            }

            @Override
            public <T> T change(String changedScope, StateChange<T> change) {
                return services.sessions().changeState(scope, key, change);
            }

            @Override
            public Map<String, Object> read() {
                return services.sessions().readState(scope, key);
            }
        };
        return new StoredState(
                scope,
                docs,
                services.codec(),
                keys -> outbox.stateChanged(scope, keys),
                guard(Scope.valueOf(scope.toUpperCase(java.util.Locale.ROOT))));
    }

    // ---------------------------------------------------------------- resources

    @Override
    public <T> Resource<T> resource(String name, Class<T> type) {
        return resource(flow.resource(name, type));
    }

    @Override
    public <T> Resource<T> resource(ResourceDecl<T> declaration) {
        flow.requireStoredSession(declaration);
        String owner = switch (declaration.scope()) {
            case SESSION -> require(context.sessionId(), "session");
            case USER -> require(context.userId(), "user");
            case PROJECT -> context.project();
        };
        String scope = declaration.scope().id();
        return new StoredResource<>(
                declaration,
                owner,
                services.sessions(),
                services.codec(),
                services.validator(),
                services.limits(),
                flowId,
                key -> outbox.resourceChanged(scope, declaration.name(), key));
    }

    // ---------------------------------------------------------------- items

    @Override
    public List<Item> items() {
        if (flow.ephemeralSessions()) {
            return outbox.kept(); // the run's own items: nothing of its session is stored
        }
        String session = context.sessionId();
        if (session == null) {
            return List.of();
        }
        return services.sessions().listItems(session, Integer.MAX_VALUE).stream()
                .map(ItemRecord::item)
                .toList();
    }

    @Override
    public Item emit(Item emitted) {
        Item item = outbox.resolve(emitted);
        Frame f = frames.get();
        if (f.stepDepth > 0) {
            outbox.publishItem(item, item.status() != Item.Status.IN_PROGRESS);
            return item;
        }
        if (f.lane != null) {
            String label = StepRunner.qualify(f.path, item.type().name());
            if (journal.recordedMark(CheckpointKind.EMIT, label) != null) {
                return item;
            }
            outbox.publishItem(item, item.status() != Item.Status.IN_PROGRESS);
            journal.record(journal.nextSlot(), label, CheckpointKind.EMIT, item.id(), 1, false);
            return item;
        }
        // outside a step the emit is a position of its own, so that a replay does not emit it twice
        int pos = journal.nextPosition();
        if (journal.recordedAt(pos, CheckpointKind.EMIT, item.type().name()) != null) {
            return item;
        }
        outbox.publishItem(item, item.status() != Item.Status.IN_PROGRESS);
        journal.record(pos, item.type().name(), CheckpointKind.EMIT, item.id(), 1, false);
        return item;
    }

    /**
     * Emits the request's user message that the action declares, before the body's first step: an
     * emit outside a step at the run's first position, so that a later execution of the body (a
     * retry, a resume, a recovery) finds it recorded and does not emit it again.
     */
    void emitUserMessage(ActionModel action) {
        if (action.userMessage() == null) {
            return;
        }
        String text = action.userMessage().apply(input);
        if (text != null) {
            emit(Item.message("user", text));
        }
    }

    @Override
    public MessageStream message(String role) {
        return new EngineMessageStream(outbox, role);
    }

    // ---------------------------------------------------------------- steps

    @Override
    public Map<String, Object> results() {
        return journal.results();
    }

    @Override
    public <T> T step(String label, Callable<T> fn) {
        return step(label, fn, StepOptions.defaults());
    }

    @Override
    public <T> T step(String label, Function<? super FlowScope<I>, T> fn) {
        return step(label, () -> fn.apply(this), StepOptions.defaults());
    }

    @Override
    public <T> T step(String label, Function<? super FlowScope<I>, T> fn, StepOptions<T> options) {
        return step(label, () -> fn.apply(this), options);
    }

    @Override
    public <T> T step(String label, Callable<T> fn, StepOptions<T> options) {
        return steps.step(label, fn, options);
    }

    // ---------------------------------------------------------------- suspensions and waits

    @Override
    public <T> T suspend(String name, Class<T> payloadType) {
        return suspend(name, payloadType, null);
    }

    @Override
    public <T> T suspend(String name, Class<T> payloadType, Duration expiry) {
        flow.requireDurable("suspend");
        flow.requirePersistedSessions("suspend", name);
        if (expiry != null && (expiry.isNegative() || expiry.isZero())) {
            throw new IllegalArgumentException("expiry must be positive: " + expiry);
        }
        Frame f = frames.get();
        if (f.lane != null) {
            String qualified = f.lane.branch == null ? name : f.lane.branch + "/" + name;
            CheckpointRecord replay = journal.recordedMark(CheckpointKind.SIGNAL, qualified);
            if (replay != null) {
                return journal.valueOf(replay, payloadType);
            }
            services.limits().checkSuspensionName(flowId, qualified);
            flow.checkSignal(name, payloadType);
            cancellation.unwindIfCancelled();
            throw new Interrupt.Suspend(
                    journal.nextSlot(), qualified, Objects.requireNonNull(payloadType, "payloadType"), expiry);
        }
        f.refuseInsideStep(flowId, "suspend", name);
        int pos = journal.nextPosition();
        CheckpointRecord replay = journal.recordedAt(pos, CheckpointKind.SIGNAL, name);
        if (replay != null) {
            return journal.valueOf(replay, payloadType);
        }
        services.limits().checkSuspensionName(flowId, name);
        flow.checkSignal(name, payloadType);
        cancellation.unwindIfCancelled();
        throw new Interrupt.Suspend(pos, name, Objects.requireNonNull(payloadType, "payloadType"), expiry);
    }

    @Override
    public void waitUntil(String name, BooleanSupplier condition) {
        Frame f = frames.get();
        if (f.lane != null) {
            String qualified = f.lane.branch == null ? name : f.lane.branch + "/" + name;
            if (journal.recordedMark(CheckpointKind.WAIT, qualified) != null) {
                return;
            }
            services.limits().checkSuspensionName(flowId, qualified);
            cancellation.unwindIfCancelled();
            if (condition.getAsBoolean()) {
                journal.record(journal.nextSlot(), qualified, CheckpointKind.WAIT, null, 1, false);
                return;
            }
            flow.requireDurable("wait");
            flow.requirePersistedSessions("wait", qualified);
            throw new Interrupt.Suspend(journal.nextSlot(), qualified, null, null);
        }
        f.refuseInsideStep(flowId, "waitUntil", name);
        int pos = journal.nextPosition();
        if (journal.recordedAt(pos, CheckpointKind.WAIT, name) != null) {
            return;
        }
        services.limits().checkSuspensionName(flowId, name);
        cancellation.unwindIfCancelled();
        if (condition.getAsBoolean()) {
            journal.record(pos, name, CheckpointKind.WAIT, null, 1, false);
            return;
        }
        flow.requireDurable("wait");
        flow.requirePersistedSessions("wait", name);
        throw new Interrupt.Suspend(pos, name, null, null);
    }
}
