package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.CancellationToken;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.ScopedState;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.api.exception.NestedStepException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Rescued;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.StateChange;
import io.crux.ee.spi.SuspensionRecord;
import io.crux.ee.catalog.Messages;

/**
 * One run in memory on this node: the scope its body sees, its checkpoints, and its way to an end.
 * The body may be invoked several times (after a retry wait, on resume); each invocation replays
 * the recorded checkpoints in order.
 */
final class Execution<I, O> implements FlowScope<I>, CancellationToken {

    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

    private final FlowEngine engine;
    private final FlowModel flow;
    private final ActionModel action;
    private final String flowId;
    private final I input;
    private final RunContext context;
    private final Object parentContext;
    private final RequestEvents events;
    private final ScopedState requestState;
    private ScopedState sessionState;
    private ScopedState userState;
    private ScopedState projectState;

    // A run's body may fan out into block branches on several threads: everything below is shared
    // between them, and what belongs to one thread lives in its Frame.
    private final ThreadLocal<Frame> frames = ThreadLocal.withInitial(Frame::new);
    /** The recorded checkpoints by position: nested or parallel code records them out of order. */
    private final Map<Integer, CheckpointRecord> recorded = new ConcurrentHashMap<>();
    private final Map<Integer, Object> values = Collections.synchronizedMap(new HashMap<>());
    private final Map<Object, FailedAttempts> failedAttempts = new ConcurrentHashMap<>();

    /**
     * The attempts of a step that is waiting to be retried, and when its wait ends. Parallel
     * branches that wait unwind the run together and the shortest wait wakes it; a branch whose own
     * wait has not ended then waits the rest of it instead of retrying early.
     */
    private record FailedAttempts(int attempts, Instant notBefore) {}
    private final Map<String, Object> results = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Integer> occurrences = new ConcurrentHashMap<>();
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final Set<Thread> branchThreads = ConcurrentHashMap.newKeySet();
    private int position;

    // Block runs find their checkpoints by logical path instead of by position: branches that run at
    // the same time record in any order, so a new checkpoint takes the next free slot.
    private final Map<String, CheckpointRecord> keyedSteps = new ConcurrentHashMap<>();
    private final Map<String, List<CheckpointRecord>> keyedMarks = new ConcurrentHashMap<>();
    private final AtomicInteger nextSlot = new AtomicInteger();
    private Block<?, ?> rootBlock;

    private final CompletableFuture<FlowResult<O>> done = new CompletableFuture<>();
    private FlowTracer.Span runSpan;
    /** Whether {@code request.in_progress} was stored with the run's row, when it was created. */
    private boolean startStored;

    private final Object lock = new Object();
    private Thread thread;
    private Future<?> pending;
    private volatile boolean cancelled;
    private volatile String cancelReason;
    /** Why this node stopped executing the run: it no longer holds it. Nothing more is written then. */
    private volatile LeaseLostException lost;

    Execution(FlowEngine engine, FlowModel flow, ActionModel action, String flowId, I input, RunContext context,
            List<CheckpointRecord> recorded, Object parentContext, long lastSeq) {
        this.engine = engine;
        this.flow = flow;
        this.action = action;
        this.flowId = flowId;
        this.input = input;
        this.context = context;
        this.parentContext = parentContext;
        this.events = flow.durable() ? new RequestEvents(engine, flowId, lastSeq, context.events(), this::holding) : null;
        this.requestState = new StoredState("request", StoredState.inMemory(), engine.codec, keys -> stateChanged("request", keys));
        for (CheckpointRecord c : recorded) {
            this.recorded.put(c.position(), c);
            index(c);
        }
    }

    /** What belongs to one thread of the run: its step nesting and, in a block run, its lane and block path. */
    static final class Frame {
        int stepDepth;
        /** The label of the step whose body runs on this thread, or null. */
        String step;
        /** The id of that step, or null. */
        String stepId;
        /** How many runs this attempt of the step (or this execution of the body, outside steps) started. */
        int children;
        Lane lane;
        String path = "";

        Frame copy() {
            Frame f = new Frame();
            f.stepDepth = stepDepth;
            f.step = step;
            f.stepId = stepId;
            f.children = children;
            f.lane = lane;
            f.path = path;
            return f;
        }
    }

    /**
     * One sequence of block operations that runs on one thread: the root block, a parallel branch, a
     * map item, or the inside of a leaf step. Replay checks the recorded order within a lane, which
     * does not depend on how branches interleave.
     */
    static final class Lane {
        final String path;
        /** The parallel branch or map item this lane runs in, which qualifies suspension names; null outside. */
        final String branch;
        private int lastPosition = -1;
        private String lastLabel;
        private String fresh;

        Lane(String path, String branch) {
            this.path = path;
            this.branch = branch;
        }
    }

    Frame frame() {
        return frames.get();
    }

    FlowEngine engine() {
        return engine;
    }

    FlowModel flow() {
        return flow;
    }

    CompletableFuture<FlowResult<O>> done() {
        return done;
    }

    // ---------------------------------------------------------------- the body

    void invoke() {
        synchronized (lock) {
            if (done.isDone()) {
                return;
            }
            thread = Thread.currentThread();
            pending = null;
        }
        Execution<?, ?> outer = FlowEngine.CURRENT.get();
        FlowEngine.CURRENT.set(this);
        if (runSpan == null) {
            runSpan = engine.tracer.startRun(parentContext, flow.name(), flowId, context.parentFlowId(), context.sessionId());
            if (!startStored) {
                event("request.in_progress", Map.of());
            }
        }
        position = 0;
        results.clear();
        occurrences.clear();
        frames.remove();
        try (AutoCloseable ignored = runSpan.makeCurrent()) {
            if (cancelled) {
                throw new Interrupt.Cancel();
            }
            Object output = action.invoker().invoke(this);
            end(FlowStatus.COMPLETED, output, null, null);
        } catch (Throwable t) {
            Interrupt interrupt = Interrupt.find(t);
            if (lost != null) {
                stop();
            } else if (interrupt instanceof Interrupt.RetryLater r) {
                engine.scheduleRetry(this, r.delay);
            } else if (interrupt instanceof Interrupt.Suspend s) {
                suspend(s);
            } else if (interrupt instanceof Interrupt.LeaveForRecovery l) {
                leaveForRecovery(l.failure);
            } else if (interrupt instanceof Interrupt.Cancel || cancelled) {
                end(FlowStatus.CANCELLED, null, cancelReason, null);
            } else {
                end(FlowStatus.FAILED, null, null, t);
            }
        } finally {
            FlowEngine.CURRENT.set(outer);
            frames.remove();
            synchronized (lock) {
                if (thread == Thread.currentThread()) {
                    thread = null; // a retry that already started elsewhere keeps its own reference
                }
                Thread.interrupted(); // a cancel that came after the body ended must not leak to the pool
            }
        }
    }

    private void suspend(Interrupt.Suspend s) {
        Instant now = engine.clock.instant();
        SuspensionRecord suspension = new SuspensionRecord(s.position, s.name,
                s.payloadType == null ? null : s.payloadType.getName(), now, s.expiry == null ? null : now.plus(s.expiry));
        try {
            // the request's event is written with the suspension, in one transaction
            // its commit is ordered with the steps' (a branch may still be committing)
            Ended<O> ended = events.inOrder(() -> engine.store.suspend(flowId, engine.settings.nodeId(), suspension, stored -> {
                if (stored.status() != FlowStatus.SUSPENDED) {
                    FlowResult<O> result = resultOf(stored, null); // a cancel came first
                    return new Ended<>(result, null, written(() -> terminalEvent(result, null)));
                }
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("name", s.name);
                if (suspension.expiresAt() != null) {
                    fields.put("expiresAt", suspension.expiresAt().toString());
                }
                return new Ended<>(new FlowResult.Suspended<>(flowId, s.name, now, suspension.expiresAt()), null,
                        written(() -> event("request.suspended", fields)));
            }));
            events.publish(ended.written());
            complete(ended.result(), ended.error());
        } catch (LeaseLostException e) {
            lost = e;
            stop();
        } catch (CruxException e) {
            closeUnlessTransient(e);
        }
    }

    private void end(FlowStatus status, Object output, String reason, Throwable failure) {
        CruxException error = failure == null ? null : asCruxException(failure);
        if (!flow.durable()) {
            if (status == FlowStatus.COMPLETED) {
                close(new FlowResult.Completed<>(flowId, cast(output)), null);
            } else if (status == FlowStatus.CANCELLED) {
                close(new FlowResult.Cancelled<>(flowId, reason), null);
            } else {
                close(null, error);
            }
            return;
        }
        if (lost != null) {
            stop();
            return;
        }
        try {
            Payload stored = status == FlowStatus.COMPLETED ? engine.codec.encode(output) : null;
            String message = error != null ? error.getMessage() : reason;
            // the request's last event is written with the run's end, in one transaction
            // its commit is ordered with the steps' (a branch may still be committing)
            Ended<O> ended = events.inOrder(() -> engine.store.finish(flowId, engine.settings.nodeId(), status, stored, message, run -> {
                FlowResult<O> result = run.status() == status && status == FlowStatus.COMPLETED
                        ? new FlowResult.Completed<>(flowId, cast(output))
                        : resultOf(run, error);
                CruxException failed = run.status() == FlowStatus.FAILED ? error : null;
                return new Ended<>(result, failed, written(() -> terminalEvent(result, failed)));
            }));
            events.publish(ended.written());
            complete(ended.result(), ended.error());
        } catch (LeaseLostException e) {
            lost = e;
            stop();
        } catch (CruxException e) {
            LOG.log(Level.WARNING, Messages.resultLost(flowId, e), e);
            closeUnlessTransient(e);
        }
    }

    /**
     * Ends this execution after its end or suspension could not be written. A passing store failure
     * leaves the run RUNNING for recovery, so its stream is not told that it failed; any other ends
     * the stream with request.failed.
     */
    private void closeUnlessTransient(CruxException e) {
        if (TransientFailures.isTransient(e)) {
            complete(null, e);
        } else {
            close(null, e);
        }
    }

    /** How a run ended or suspended, and the request's event written with it. */
    private record Ended<O>(FlowResult<O> result, CruxException error, List<EventRecord> written) {}

    private FlowResult<O> resultOf(RunRecord run, CruxException error) {
        return engine.storedResult(flow, run);
    }

    /**
     * The id of the next run that a handle starts from this run's code. It is derived from this
     * run's id, the step that starts it and its place among the runs that this attempt of the step
     * starts, so that the step, run again (a retry, a resume, a recovery), finds the run it started
     * before instead of starting another.
     */
    String childId() {
        Frame f = frame();
        String key = (f.stepId != null ? f.stepId : "body:" + f.path) + "\n" + ++f.children;
        return java.util.UUID.nameUUIDFromBytes((flowId + "\n" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    /** Ends the run on this node, which no longer holds it, without writing anything. */
    private void stop() {
        if (done.isDone()) {
            return;
        }
        LOG.warning(lost.getMessage());
        complete(null, lost);
    }

    private void close(FlowResult<O> result, CruxException error) {
        terminalEvent(result, error);
        complete(result, error);
    }

    /** The request's event for a run that ended with this result: failed, completed or cancelled; none otherwise. */
    private void terminalEvent(FlowResult<O> result, CruxException error) {
        if (result == null) {
            event("request.failed", Map.of("error", String.valueOf(error == null ? null : error.getMessage())));
        } else if (result instanceof FlowResult.Completed<O> c) {
            event("request.completed", Map.of()); // the output is in the run's row, not stored twice
        } else if (result instanceof FlowResult.Cancelled<O> c) {
            event("request.cancelled", c.reason() == null ? Map.of() : Map.of("reason", c.reason()));
        }
    }

    private void complete(FlowResult<O> result, CruxException error) {
        if (runSpan != null) {
            if (error != null) {
                runSpan.fail(error);
            }
            runSpan.setAttribute("crux.flow.outcome", result == null ? "failed" : outcome(result));
            runSpan.end();
        }
        engine.finished(this);
        if (result != null) {
            done.complete(result);
        } else {
            done.completeExceptionally(error);
        }
    }

    private static String outcome(FlowResult<?> r) {
        if (r instanceof FlowResult.Completed<?>) {
            return "completed";
        }
        if (r instanceof FlowResult.Suspended<?>) {
            return "suspended";
        }
        return r instanceof FlowResult.Cancelled<?> ? "cancelled" : "expired";
    }

    private CruxException asCruxException(Throwable failure) {
        if (failure instanceof CruxException c) {
            return c;
        }
        return new FlowFailedException(Messages.flowFailed(flowId, flow.name(), failure), flowId, failure);
    }

    @SuppressWarnings("unchecked")
    private O cast(Object output) {
        return (O) output;
    }

    // ---------------------------------------------------------------- scheduling and cancellation

    void setPending(Future<?> future) {
        synchronized (lock) {
            pending = future;
        }
    }

    /**
     * The store stayed away while a checkpoint was written: the run stays RUNNING in the store as it
     * is, and this node forgets it, so that maintenance (here or on another server) recovers it from
     * its last checkpoint. Nothing is written, the database being what failed.
     */
    private void leaveForRecovery(RuntimeException failure) {
        LOG.log(Level.WARNING, Messages.leftForRecovery(flowId, TransientFailures.BACKOFF.size() + 1, failure), failure);
        if (runSpan != null) {
            runSpan.fail(failure);
            runSpan.setAttribute("crux.flow.outcome", "left-for-recovery");
            runSpan.end();
        }
        engine.finished(this);
        done.completeExceptionally(failure);
    }

    /** The executor refused the run; it stays RUNNING in the store for recovery. */
    void abandon(RuntimeException rejected) {
        LOG.log(Level.WARNING, Messages.resultLost(flowId, rejected), rejected);
        engine.finished(this);
        done.completeExceptionally(new FlowFailedException(Messages.flowFailed(flowId, flow.name(), rejected), flowId, rejected));
    }

    void cancelFromOutside(String reason) {
        boolean endHere;
        synchronized (lock) {
            cancelReason = reason;
            cancelled = true;
            branchThreads.forEach(Thread::interrupt);
            if (thread != null) {
                thread.interrupt();
                return;
            }
            endHere = pending != null && pending.cancel(false);
        }
        if (endHere) {
            end(FlowStatus.CANCELLED, null, reason, null);
        }
    }

    /**
     * This node no longer holds the run (a lease renewal or a write found another holder): the
     * run stops here, as a cancel would stop it, but ends without writing anything.
     */
    void loseLease(LeaseLostException why) {
        boolean endHere;
        synchronized (lock) {
            if (lost == null) {
                lost = why;
            }
            cancelled = true;
            Thread self = Thread.currentThread();
            branchThreads.stream().filter(t -> t != self).forEach(Thread::interrupt);
            if (thread != null) {
                if (thread != self) {
                    thread.interrupt();
                }
                return;
            }
            endHere = pending != null && pending.cancel(false);
        }
        if (endHere) {
            stop();
        }
    }

    /**
     * Does writes of this run in one transaction that checks that this node still holds it. A
     * refusal stops the run at its next step boundary: for good if another node holds it, or as a
     * cancel if another caller cancelled it.
     */
    <T> T holding(java.util.function.Supplier<T> writes) {
        try {
            return engine.store.whileHolding(flowId, engine.settings.nodeId(), writes);
        } catch (LeaseLostException e) {
            loseLease(e);
            throw e;
        } catch (FlowCancelledException e) {
            synchronized (lock) {
                if (!cancelled) {
                    cancelReason = e.reason();
                    cancelled = true;
                }
            }
            throw e;
        }
    }

    /** The engine is closing: a retry that has not started is dropped and the run left for recovery. */
    void cancelPendingRetry() {
        boolean dropped;
        synchronized (lock) {
            dropped = pending != null && thread == null && pending.cancel(false);
        }
        if (dropped) {
            abandon(new java.util.concurrent.RejectedExecutionException("the application is stopping"));
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String reason() {
        return cancelReason;
    }

    @Override
    public void throwIfCancelled() {
        if (cancelled) {
            throw new FlowCancelledException(Messages.cancelled(flowId, cancelReason), flowId, cancelReason);
        }
    }

    @Override
    public CancellationToken cancellation() {
        return this;
    }

    @Override
    public void cancel(String reason) {
        synchronized (lock) {
            cancelReason = reason;
            cancelled = true;
        }
        throw new Interrupt.Cancel();
    }

    // ---------------------------------------------------------------- scope

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
    public Optional<String> userId() {
        return Optional.ofNullable(context.userId());
    }

    RunContext context() {
        return context;
    }

    // ---------------------------------------------------------------- state, items and events

    @Override
    public ScopedState session() {
        synchronized (lock) {
            return sessionScope();
        }
    }

    private ScopedState sessionScope() {
        if (sessionState == null) {
            sessionState = stored("session", require(context.sessionId(), "session"));
        }
        return sessionState;
    }

    @Override
    public ScopedState user() {
        synchronized (lock) {
            return userScope();
        }
    }

    private ScopedState userScope() {
        if (userState == null) {
            userState = stored("user", require(context.userId(), "user"));
        }
        return userState;
    }

    @Override
    public ScopedState project() {
        synchronized (lock) {
            return projectScope();
        }
    }

    private ScopedState projectScope() {
        if (projectState == null) {
            projectState = stored("project", context.project());
        }
        return projectState;
    }

    @Override
    public ScopedState request() {
        return requestState;
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
            public <T> T update(java.util.function.Function<Map<String, Object>, T> change) {
                return engine.sessions.updateState(scope, key, change);
            }

            @Override
            public <T> T change(String changedScope, StateChange<T> change) {
                return engine.sessions.changeState(scope, key, change);
            }

            @Override
            public Map<String, Object> read() {
                return engine.sessions.readState(scope, key);
            }
        };
        return new StoredState(scope, docs, engine.codec, keys -> stateChanged(scope, keys));
    }

    private void stateChanged(String scope, java.util.Set<String> keys) {
        event("state.changed", Map.of("scope", scope, "keys", List.copyOf(new java.util.TreeSet<>(keys))));
    }

    @Override
    public Item emit(Item item) {
        Frame f = frame();
        if (f.stepDepth > 0) {
            publishItem(item, item.status() != Item.Status.IN_PROGRESS);
            return item;
        }
        if (f.lane != null) {
            String label = qualify(f.path, item.type().name());
            if (recordedMark(CheckpointKind.EMIT, label) != null) {
                return item;
            }
            publishItem(item, item.status() != Item.Status.IN_PROGRESS);
            record(nextSlot.getAndIncrement(), label, CheckpointKind.EMIT, item.id(), 1, false);
            return item;
        }
        // outside a step the emit is a position of its own, so that a replay does not emit it twice
        int pos = position++;
        if (recordedAt(pos, CheckpointKind.EMIT, item.type().name()) != null) {
            return item;
        }
        publishItem(item, item.status() != Item.Status.IN_PROGRESS);
        record(pos, item.type().name(), CheckpointKind.EMIT, item.id(), 1, false);
        return item;
    }

    @Override
    public MessageStream message(String role) {
        return new EngineMessageStream(this, role);
    }

    /**
     * Stores the item with the session and tells the stream: item.added when an item starts in
     * progress, item.done when it is finished. An item emitted finished has one event, item.done,
     * which carries all of it.
     */
    void publishItem(Item item, boolean finished) {
        if (events == null) {
            return;
        }
        String type = null;
        if (item.audience() != Item.Audience.INTERNAL) { // internal items are stored for operators, never streamed
            boolean announce = announced.add(item.id());
            type = finished ? "item.done" : announce ? "item.added" : null;
        }
        events.item(item, context.sessionId(), type);
    }

    /** Items and events of a step are written together when the step ends. */
    private void enterStep(Frame f) {
        if (f.stepDepth++ == 0 && events != null) {
            events.gather();
        }
    }

    private void leaveStep(Frame f) {
        if (--f.stepDepth == 0 && events != null) {
            try {
                events.flush();
            } catch (CruxException e) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step", e), e);
            }
        }
    }

    /**
     * Records a completed step. The outermost step's checkpoint and the items and events it
     * gathered are written in one transaction (one commit per step); the events are published once
     * it has committed.
     */
    private void completeStep(Frame f, int pos, String label, Object value, int attempt) {
        if (f.stepDepth > 1 || events == null) {
            try {
                record(pos, label, CheckpointKind.STEP, value, attempt, false);
            } finally {
                leaveStep(f);
            }
            return;
        }
        f.stepDepth--;
        // taken once, so that a write tried again after a passing failure writes the same items and events
        RequestEvents.Gathered[] taken = {null};
        List<EventRecord> written;
        try {
            written = events.inOrder(() -> record(pos, label, value, attempt, () -> {
                if (taken[0] == null) {
                    taken[0] = events.take();
                }
                return events.write(taken[0]);
            }, () -> events.written(taken[0])));
        } catch (RuntimeException e) {
            // the gathering must end whatever happened, or every later event of the run (its end
            // included) would wait in the buffer for good
            if (taken[0] != null) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step " + label, e), e);
            } else {
                try {
                    events.flush();
                } catch (CruxException lost) {
                    LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step " + label, lost), lost);
                }
            }
            throw e;
        }
        events.publish(written);
    }

    /** Publishes an event that is not stored, such as {@code content.delta} of the item {@code itemId}. */
    void liveEvent(String type, String itemId, Map<String, ?> fields) {
        if (events != null) {
            events.live(type, itemId, fields);
        }
    }

    private void event(String type, Map<String, ?> fields) {
        if (events != null) {
            try {
                events.append(type, fields);
            } catch (CruxException e) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, type, e), e);
            }
        }
    }

    /**
     * Gathers the first events of a new run, {@code request.created} and {@code request.in_progress},
     * and writes them, in the transaction that stores the run's row; the caller publishes them once
     * it has committed.
     *
     * @return the events written
     */
    List<EventRecord> startEvents() {
        startStored = true;
        return written(() -> {
            event("request.created", Map.of("flowName", flow.name(), "action", action.name(),
                    "sessionId", String.valueOf(context.sessionId())));
            event("request.in_progress", Map.of());
        });
    }

    /**
     * Gathers the events {@code emit} makes and writes them, in the caller's transaction; the
     * caller publishes them once it has committed.
     */
    private List<EventRecord> written(Runnable emit) {
        events.gather();
        emit.run();
        return events.write();
    }

    /** Hands committed events to the streams of this server. */
    void publish(List<EventRecord> written) {
        events.publish(written);
    }

    @Override
    public Map<String, Object> results() {
        synchronized (results) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(results));
        }
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
        Frame f = frame();
        if (f.lane != null) {
            // a step inside a block: keyed by the block's path, like the block's own step
            return keyedStep(f.lane, occurrence(qualify(f.path, label)), fn, options);
        }
        refuseInsideStep(f, "step", label);
        int pos = position++;
        int occurrence = occurrences.merge(label, 1, Integer::sum);
        CheckpointRecord replay = recordedAt(pos, CheckpointKind.STEP, label);
        if (replay != null) {
            T value = valueOf(replay, null);
            results.put(label, value);
            return value;
        }
        engine.limits.checkLabel(flowId, label);
        if (cancelled) {
            throw new Interrupt.Cancel();
        }
        return runStep(label, flowId + ":" + label + "#" + occurrence, pos, () -> pos, fn, options, f, null);
    }

    /**
     * Runs a step of a block run, found by its path: a recorded one returns its output, a new one
     * runs with a lane of its own (for what its code does through the scope) and takes the next slot.
     */
    <T> T keyedStep(Lane lane, String label, Callable<T> fn, StepOptions<T> options) {
        CheckpointRecord replay = keyedSteps.get(label);
        if (replay != null) {
            replayed(lane, replay);
            T value = valueOf(replay, null);
            results.put(label, value);
            return value;
        }
        engine.limits.checkLabel(flowId, label);
        if (cancelled) {
            throw new Interrupt.Cancel();
        }
        if (lane.fresh == null) {
            lane.fresh = label;
        }
        return runStep(label, flowId + ":" + label, label, nextSlot::getAndIncrement, fn, options, frame(), lane);
    }

    /** The checks that make a changed block flow fail instead of replaying the wrong outputs. */
    private void replayed(Lane lane, CheckpointRecord c) {
        if (lane.fresh != null) {
            throw new FlowChangedException(Messages.blockInserted(flowId, lane.path, lane.fresh, c.label()), flowId,
                    lane.fresh, c.position(), c.label());
        }
        if (c.position() < lane.lastPosition) {
            throw new FlowChangedException(Messages.blockOrderChanged(flowId, lane.path, c.label(), lane.lastLabel), flowId,
                    c.label(), c.position(), lane.lastLabel);
        }
        lane.lastPosition = c.position();
        lane.lastLabel = c.label();
    }

    /**
     * Refuses a step, suspension or wait of the flow body inside a step's body: the step's replay
     * skips its body, so a checkpoint recorded in there would shift every later position.
     */
    private void refuseInsideStep(Frame f, String kind, String label) {
        if (f.stepDepth > 0) {
            throw new NestedStepException(Messages.nestedStep(flowId, f.step, kind, label), flowId, f.step);
        }
    }

    /** The attempts of one step that did not replay: retries, waits, fallback, and the checkpoint. */
    private <T> T runStep(String label, String stepId, Object retryKey, IntSupplier slot, Callable<T> fn,
            StepOptions<T> options, Frame f, Lane lane) {
        FailedAttempts failed = failedAttempts.get(retryKey);
        int attempt = failed == null ? 1 : failed.attempts() + 1;
        if (failed != null) {
            Duration rest = Duration.between(engine.clock.instant(), failed.notBefore());
            if (rest.compareTo(Duration.ZERO) > 0) {
                throw new Interrupt.RetryLater(rest);
            }
        }
        while (true) {
            FlowTracer.Span span = engine.tracer.startStep(runSpan, flow.name(), flowId, label, stepId, attempt);
            T value;
            enterStep(f);
            Lane outerLane = f.lane;
            String outerPath = f.path;
            String outerStep = f.step;
            String outerStepId = f.stepId;
            int outerChildren = f.children;
            f.step = label;
            f.stepId = stepId;
            f.children = 0;
            if (lane != null) {
                f.lane = new Lane(label, lane.branch);
                f.path = label;
            }
            try (AutoCloseable ignored = span.makeCurrent()) {
                value = attempt(label, fn, options.timeout(), attempt, span);
            } catch (Throwable failure) {
                f.lane = outerLane;
                f.path = outerPath;
                f.step = outerStep;
                f.stepId = outerStepId;
                f.children = outerChildren;
                leaveStep(f);
                Interrupt interrupt = Interrupt.find(failure);
                if (interrupt != null) {
                    span.setAttribute("crux.step.outcome", interrupt.outcome());
                    span.end();
                    throw interrupt;
                }
                span.fail(failure);
                span.end();
                if (cancelled) {
                    throw new Interrupt.Cancel();
                }
                boolean retryable = options.shouldRetry().test(failure);
                if (retryable && attempt < options.attempts()) {
                    Duration wait = jittered(options.delayBefore(attempt), options.jitter());
                    if (!wait.isZero()) {
                        failedAttempts.put(retryKey, new FailedAttempts(attempt, engine.clock.instant().plus(wait)));
                        throw new Interrupt.RetryLater(wait);
                    }
                    attempt++;
                    continue;
                }
                failedAttempts.remove(retryKey);
                if (retryable && options.fallback() != null) {
                    T fallback = options.fallback().apply(failure);
                    record(slot.getAsInt(), label, CheckpointKind.STEP, fallback, attempt, true);
                    return fallback;
                }
                String message = retryable || !StepOptions.isPolicyTerminal(failure)
                        ? Messages.stepFailed(flowId, label, attempt, failure)
                        : Messages.stepTerminal(flowId, label, failure);
                throw new StepFailedException(message, flowId, label, attempt, failure);
            }
            f.lane = outerLane;
            f.path = outerPath;
            f.step = outerStep;
            f.stepId = outerStepId;
            f.children = outerChildren;
            span.end();
            failedAttempts.remove(retryKey);
            completeStep(f, slot.getAsInt(), label, value, attempt);
            return value;
        }
    }

    private <T> T attempt(String label, Callable<T> fn, Duration timeout, int attempt, FlowTracer.Span span) throws Exception {
        if (timeout == null) {
            return fn.call();
        }
        // the attempt runs on another thread: make this run and the attempt's span current there, so
        // that a handle used in the step starts a child run of this one, and spans opened in the step
        // (a generator's model calls) are children of the attempt's
        Frame caller = frame().copy();
        Future<T> future = engine.executor.submit(() -> {
            Execution<?, ?> outer = FlowEngine.CURRENT.get();
            FlowEngine.CURRENT.set(this);
            Frame previous = frames.get();
            frames.set(caller);
            try (AutoCloseable current = span.makeCurrent()) {
                return fn.call();
            } finally {
                frames.set(previous);
                FlowEngine.CURRENT.set(outer);
            }
        });
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new TimeoutException("attempt " + attempt + " of step '" + label + "' exceeded its timeout of " + timeout);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    private static Duration jittered(Duration wait, double jitter) {
        if (jitter == 0.0 || wait.isZero()) {
            return wait;
        }
        long nanos = wait.toNanos();
        return Duration.ofNanos(nanos - (long) (nanos * jitter * ThreadLocalRandom.current().nextDouble()));
    }

    @Override
    public <T> T suspend(String name, Class<T> payloadType) {
        return suspend(name, payloadType, null);
    }

    @Override
    public <T> T suspend(String name, Class<T> payloadType, Duration expiry) {
        engine.requireDurable(flow, "suspend");
        if (expiry != null && (expiry.isNegative() || expiry.isZero())) {
            throw new IllegalArgumentException("expiry must be positive: " + expiry);
        }
        Frame f = frame();
        if (f.lane != null) {
            String qualified = f.lane.branch == null ? name : f.lane.branch + "/" + name;
            CheckpointRecord replay = recordedMark(CheckpointKind.SIGNAL, qualified);
            if (replay != null) {
                return valueOf(replay, payloadType);
            }
            engine.limits.checkSuspensionName(flowId, qualified);
            if (cancelled) {
                throw new Interrupt.Cancel();
            }
            throw new Interrupt.Suspend(nextSlot.getAndIncrement(), qualified,
                    java.util.Objects.requireNonNull(payloadType, "payloadType"), expiry);
        }
        refuseInsideStep(f, "suspend", name);
        int pos = position++;
        CheckpointRecord replay = recordedAt(pos, CheckpointKind.SIGNAL, name);
        if (replay != null) {
            return valueOf(replay, payloadType);
        }
        engine.limits.checkSuspensionName(flowId, name);
        if (cancelled) {
            throw new Interrupt.Cancel();
        }
        throw new Interrupt.Suspend(pos, name, java.util.Objects.requireNonNull(payloadType, "payloadType"), expiry);
    }

    @Override
    public void waitUntil(String name, BooleanSupplier condition) {
        Frame f = frame();
        if (f.lane != null) {
            String qualified = f.lane.branch == null ? name : f.lane.branch + "/" + name;
            if (recordedMark(CheckpointKind.WAIT, qualified) != null) {
                return;
            }
            engine.limits.checkSuspensionName(flowId, qualified);
            if (cancelled) {
                throw new Interrupt.Cancel();
            }
            if (condition.getAsBoolean()) {
                record(nextSlot.getAndIncrement(), qualified, CheckpointKind.WAIT, null, 1, false);
                return;
            }
            engine.requireDurable(flow, "wait");
            throw new Interrupt.Suspend(nextSlot.getAndIncrement(), qualified, null, null);
        }
        refuseInsideStep(f, "waitUntil", name);
        int pos = position++;
        if (recordedAt(pos, CheckpointKind.WAIT, name) != null) {
            return;
        }
        engine.limits.checkSuspensionName(flowId, name);
        if (cancelled) {
            throw new Interrupt.Cancel();
        }
        if (condition.getAsBoolean()) {
            record(pos, name, CheckpointKind.WAIT, null, 1, false);
            return;
        }
        engine.requireDurable(flow, "wait");
        throw new Interrupt.Suspend(pos, name, null, null);
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Runs a block as the run's body, in the root lane. The source is asked for the block on each
     * execution of the body.
     */
    Object runRoot(Block<?, ?> block) {
        Frame f = frame();
        Lane outerLane = f.lane;
        String outerPath = f.path;
        f.lane = new Lane("", null);
        f.path = "";
        try {
            @SuppressWarnings("unchecked")
            Block<Object, Object> typed = (Block<Object, Object>) block;
            return runBlock(typed, input, "", null);
        } finally {
            f.lane = outerLane;
            f.path = outerPath;
        }
    }

    /**
     * Runs a block under {@code parentPath}: a leaf as one keyed step, a composite by calling it with
     * a context that runs its children. A composite's options pass to its children (its fallback
     * stays with it); a composite with a fallback records the fallback's value under its path.
     */
    <X, Y> Y runBlock(Block<X, Y> block, X in, String parentPath, StepOptions<?> inherited) {
        Frame f = frame();
        String path = occurrence(qualify(parentPath, nameOf(block)));
        if (f.stepDepth > 0) {
            throw new FlowStateException(Messages.blockRunInLeaf(flowId, f.path, path), flowId, FlowStatus.RUNNING);
        }
        StepOptions<Y> own = block.options();
        if (block.isLeaf()) {
            StepOptions<Y> options = own != null ? own : forLeaf(inherited);
            EngineBlockContext ctx = new EngineBlockContext(this, path, null, true);
            return keyedStep(f.lane, path, () -> block.execute(in, ctx), options);
        }
        boolean fallback = own != null && own.fallback() != null;
        if (fallback) {
            CheckpointRecord replay = keyedSteps.get(path);
            if (replay != null) {
                replayed(f.lane, replay);
                return valueOf(replay, null);
            }
        }
        String outerPath = f.path;
        f.path = path;
        try {
            return block.execute(in, new EngineBlockContext(this, path, own != null ? own : inherited, false));
        } catch (Throwable failure) {
            if (!fallback || !recoverable(failure) || !own.shouldRetry().test(failure)) {
                throw rethrow(failure);
            }
            Y value = own.fallback().apply(failure);
            recordFresh(f.lane, path, value);
            return value;
        } finally {
            f.path = outerPath;
        }
    }

    /**
     * Runs branches at the same time, at most {@code limit} at once, on the engine's executor and on
     * the calling thread, which works too so that a busy executor cannot stall the run. Each branch
     * has a lane of its own. When a branch fails or is interrupted no further branch starts; the
     * running ones end, and then the outcome is, in this order: a cancel, the failure of the first
     * failed branch, the shortest retry wait, the suspension of the first suspended branch.
     */
    <Y> List<Y> fork(String parentPath, List<String> segments, int limit, StepOptions<?> inherited,
            BiFunction<BlockContext, Integer, Y> body) {
        int n = segments.size();
        Object[] outputs = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(n);
        Thread caller = Thread.currentThread();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                Frame previous = frames.get();
                try {
                    if (stop.get() || cancelled) {
                        continue;
                    }
                    String path = qualify(parentPath, segments.get(i));
                    Frame branch = new Frame();
                    branch.lane = new Lane(path, path);
                    branch.path = path;
                    frames.set(branch);
                    outputs[i] = body.apply(new EngineBlockContext(this, path, inherited, false), i);
                } catch (Throwable t) {
                    failures[i] = t;
                    stop.set(true);
                } finally {
                    frames.set(previous);
                    finished.countDown();
                }
            }
        };
        for (int k = Math.min(limit, n) - 1; k > 0; k--) {
            try {
                engine.executor.execute(() -> helper(worker, caller));
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                break; // the calling thread runs the rest
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop.set(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcome(outputs, failures);
    }

    private void helper(Runnable worker, Thread caller) {
        Thread self = Thread.currentThread();
        boolean own = self != caller;
        Execution<?, ?> outer = FlowEngine.CURRENT.get();
        FlowEngine.CURRENT.set(this);
        if (own) {
            branchThreads.add(self);
        }
        try {
            worker.run();
        } finally {
            FlowEngine.CURRENT.set(outer);
            if (own) {
                synchronized (lock) { // a cancel interrupts branch threads under this lock, so none can come after this
                    branchThreads.remove(self);
                    Thread.interrupted(); // a cancel aimed at the run must not leak to the pool
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <Y> List<Y> outcome(Object[] outputs, Throwable[] failures) {
        Throwable failure = null;
        Interrupt.RetryLater retry = null;
        Interrupt.Suspend suspend = null;
        boolean cancel = cancelled;
        for (Throwable t : failures) {
            if (t == null) {
                continue;
            }
            Interrupt interrupt = Interrupt.find(t);
            if (interrupt instanceof Interrupt.Cancel) {
                cancel = true;
            } else if (interrupt instanceof Interrupt.RetryLater r) {
                retry = retry == null || r.delay.compareTo(retry.delay) < 0 ? r : retry;
            } else if (interrupt instanceof Interrupt.Suspend s) {
                suspend = suspend == null ? s : suspend;
            } else if (failure == null) {
                failure = t;
            }
        }
        if (cancel) {
            throw new Interrupt.Cancel();
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        if (retry != null) {
            throw retry;
        }
        if (suspend != null) {
            throw suspend;
        }
        List<Y> list = new ArrayList<>(outputs.length);
        for (Object o : outputs) {
            list.add((Y) o);
        }
        return list;
    }

    /**
     * Runs composite code and, when it fails with a failure that {@code when} accepts, the recovery
     * block. The recovered output is recorded under the recovery's path, so that a replay returns
     * it without running the failed code again.
     */
    <X, Y> Y rescue(String parentPath, StepOptions<?> inherited, java.util.function.Supplier<Y> body,
            java.util.function.Predicate<? super Throwable> when, Block<Rescued<X>, Y> recovery, X in) {
        Frame f = frame();
        String base = qualify(parentPath, nameOf(recovery));
        int seen = occurrences.getOrDefault("path:" + base, 0);
        String label = seen == 0 ? base : base + "#" + (seen + 1);
        CheckpointRecord replay = keyedSteps.get(label);
        if (replay != null) {
            occurrence(base);
            replayed(f.lane, replay);
            return valueOf(replay, null);
        }
        try {
            return body.get();
        } catch (Throwable failure) {
            if (!recoverable(failure) || !when.test(failure)) {
                throw rethrow(failure);
            }
            Y value = runBlock(recovery, new Rescued<>(in, failure), parentPath, inherited);
            if (!recovery.isLeaf()) {
                recordFresh(f.lane, label, value);
            }
            return value;
        }
    }

    private void recordFresh(Lane lane, String label, Object value) {
        if (lane != null && lane.fresh == null) {
            lane.fresh = label;
        }
        record(nextSlot.getAndIncrement(), label, CheckpointKind.STEP, value, 1, true);
    }

    /** Whether a failure of composite code may go to a fallback or a rescue: not the engine's own signals. */
    private boolean recoverable(Throwable failure) {
        return Interrupt.find(failure) == null && !cancelled
                && !(failure instanceof FlowChangedException || failure instanceof FlowStateException
                        || failure instanceof FlowConflictException || failure instanceof FlowCancelledException);
    }

    private RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new FlowFailedException(Messages.flowFailed(flowId, flow.name(), failure), flowId, failure);
    }

    @SuppressWarnings("unchecked")
    private static <Y> StepOptions<Y> forLeaf(StepOptions<?> inherited) {
        return inherited == null ? StepOptions.defaults() : (StepOptions<Y>) inherited.withFallback(null);
    }

    private static String nameOf(Block<?, ?> block) {
        String name = block.name();
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException("a block name must be non-blank and contain no '/': '" + name + "' of " + block);
        }
        return name;
    }

    // ---------------------------------------------------------------- checkpoints

    private CheckpointRecord recordedAt(int pos, CheckpointKind kind, String label) {
        CheckpointRecord c = recorded.get(pos);
        if (c == null) {
            return null;
        }
        if (c.kind() != kind || !c.label().equals(label)) {
            throw new FlowChangedException(Messages.flowChanged(flowId, pos, describe(c.kind()), c.label(), describe(kind), label),
                    flowId, label, pos, c.label());
        }
        return c;
    }

    private static String describe(CheckpointKind kind) {
        return switch (kind) {
            case STEP -> "step";
            case SIGNAL -> "suspension";
            case WAIT -> "waitUntil";
            case EMIT -> "emit";
        };
    }

    @SuppressWarnings("unchecked")
    private <T> T valueOf(CheckpointRecord c, Class<T> type) {
        Object value = values.get(c.position());
        if (value == null && !values.containsKey(c.position())) {
            value = c.value() != null ? c.value() : engine.codec.decode(c.payload(), flow.classLoader());
            if (type != null) {
                value = engine.codec.convert(value, type);
            }
            values.put(c.position(), value);
        }
        return (T) value;
    }

    private void record(int pos, String label, CheckpointKind kind, Object value, int attempts, boolean fallback) {
        CheckpointRecord c = new CheckpointRecord(flowId, pos, label, kind, value,
                flow.durable() ? encoded(label, kind, value) : null, attempts, fallback, engine.clock.instant());
        if (flow.durable()) {
            durably(() -> holding(() -> {
                engine.store.saveCheckpoint(c);
                return null;
            }), c, () -> null);
        }
        remember(c);
    }

    /**
     * Records a step's checkpoint of a durable run together with {@code alongside}, in one transaction.
     *
     * @param committed what {@code alongside} returned, for a write found committed after its answer was lost
     */
    private <T> T record(int pos, String label, Object value, int attempts, java.util.function.Supplier<T> alongside,
            java.util.function.Supplier<T> committed) {
        CheckpointRecord c = new CheckpointRecord(flowId, pos, label, CheckpointKind.STEP, value,
                encoded(label, CheckpointKind.STEP, value), attempts, false, engine.clock.instant());
        T result = durably(() -> holding(() -> engine.store.saveCheckpoint(c, alongside)), c, committed);
        remember(c);
        return result;
    }

    /**
     * Runs a checkpoint write, and again after a short wait when the store failed for a passing
     * reason. When it keeps failing the run unwinds and is left RUNNING for recovery, instead of
     * failing for good because the database was away for a moment; the step then runs again. A
     * write whose commit succeeded but whose answer was lost meets its own checkpoint when tried
     * again: that conflict is the success it is, not a failure of the run.
     *
     * @param checkpoint the checkpoint the write stores
     * @param committed what the write returned, for when it is found committed
     */
    private <T> T durably(java.util.function.Supplier<T> write, CheckpointRecord checkpoint,
            java.util.function.Supplier<T> committed) {
        for (int retry = 0;; retry++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (retry > 0 && e instanceof FlowConflictException && !(e instanceof LeaseLostException)
                        && stored(checkpoint)) {
                    return committed.get();
                }
                if (!TransientFailures.isTransient(e)) {
                    throw e;
                }
                if (retry == TransientFailures.BACKOFF.size()) {
                    throw new Interrupt.LeaveForRecovery(e);
                }
                LOG.log(Level.FINE, e, () -> "retrying a checkpoint write of run " + flowId);
                java.util.concurrent.locks.LockSupport.parkNanos(TransientFailures.BACKOFF.get(retry).toNanos());
                if (cancelled) {
                    throw new Interrupt.Cancel();
                }
            }
        }
    }

    /** @return whether the store holds {@code checkpoint} (its position, under its label) */
    private boolean stored(CheckpointRecord checkpoint) {
        return engine.store.loadCheckpoints(flowId).stream().anyMatch(
                c -> c.position() == checkpoint.position() && c.label().equals(checkpoint.label()));
    }

    /** A checkpoint's value as the store keeps it; a step's output within its limit, checked before anything is written. */
    private Payload encoded(String label, CheckpointKind kind, Object value) {
        Payload payload = engine.codec.encode(value);
        if (kind == CheckpointKind.STEP) {
            engine.limits.checkStepOutput(flowId, label, payload);
        }
        return payload;
    }

    private void remember(CheckpointRecord c) {
        recorded.put(c.position(), c);
        values.put(c.position(), c.value());
        index(c);
        if (c.kind() == CheckpointKind.STEP) {
            results.put(c.label(), c.value());
        }
    }

    /** Makes a checkpoint findable by a block run, and keeps new slots after every recorded one. */
    private void index(CheckpointRecord c) {
        nextSlot.accumulateAndGet(c.position() + 1, Math::max);
        if (c.kind() == CheckpointKind.STEP) {
            keyedSteps.put(c.label(), c);
        } else {
            List<CheckpointRecord> marks = keyedMarks.computeIfAbsent(c.kind() + ":" + c.label(), k -> new ArrayList<>());
            synchronized (marks) {
                marks.add(c);
                marks.sort(java.util.Comparator.comparingInt(CheckpointRecord::position));
            }
        }
    }

    /**
     * The signal, wait or emit checkpoint of a block run for this call: the n-th call with a label
     * in this execution of the body finds the n-th checkpoint with it. Calls with one label come
     * from one lane (suspension names are qualified by their branch), so n does not depend on how
     * branches interleave.
     */
    private CheckpointRecord recordedMark(CheckpointKind kind, String label) {
        int n = occurrences.merge(kind + ":" + label, 1, Integer::sum);
        List<CheckpointRecord> marks = keyedMarks.get(kind + ":" + label);
        if (marks == null) {
            return null;
        }
        synchronized (marks) {
            return n <= marks.size() ? marks.get(n - 1) : null;
        }
    }

    private static String qualify(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }

    /** The label of the n-th occurrence of a path in this execution of the body: the path, then path#2, path#3... */
    String occurrence(String path) {
        int n = occurrences.merge("path:" + path, 1, Integer::sum);
        return n == 1 ? path : path + "#" + n;
    }
}
