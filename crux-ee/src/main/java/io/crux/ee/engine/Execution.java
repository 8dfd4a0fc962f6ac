package io.crux.ee.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * One run in memory on this node, from its invocation to its end: invokes the body, and writes
 * how it ended or suspended, or leaves it for recovery. The body may be invoked several times
 * (after a retry wait, on resume); each invocation replays the recorded checkpoints in order. What
 * the body does goes through the run's parts: its {@link RunScope}, {@link CheckpointJournal},
 * {@link StepRunner}, {@link BlockRunner}, {@link RunOutbox} and {@link RunCancellation}.
 */
final class Execution<I, O> {

    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

    /** The run whose code runs on this thread, or null. */
    static final ThreadLocal<Execution<?, ?>> CURRENT = new ThreadLocal<>();

    private final EngineServices services;
    private final Launcher launcher;
    private final FlowModel flow;
    private final ActionModel action;
    private final String flowId;
    private final RunContext context;
    private final Object parentContext;

    // A run's body may fan out into block branches on several threads: the parts are shared between
    // them, and what belongs to one thread lives in its Frame.
    private final ThreadLocal<Frame> frames = ThreadLocal.withInitial(Frame::new);

    /** @return this run's frame on the calling thread */
    Frame frame() {
        return frames.get();
    }

    private final RunCancellation cancellation;
    private final CheckpointJournal journal;
    private final RunOutbox outbox;
    private final StepRunner steps;
    private final BlockRunner blocks;
    private final RunScope<I> scope;

    private final CompletableFuture<FlowResult<O>> done = new CompletableFuture<>();
    private FlowTracer.Span runSpan;
    /** When the run started, for its duration. */
    private Instant startedAt;
    /** The traceparent stored with a revived run, which its span links to; null for a new run. */
    private String origin;
    /** Whether {@code request.in_progress} was stored with the run's row, when it was created. */
    private boolean startStored;
    /** Whether this execution continues a stored run (a recovery, a resume, a take-over). */
    private boolean revived;

    Execution(
            EngineServices services,
            Launcher launcher,
            FlowModel flow,
            ActionModel action,
            String flowId,
            I input,
            RunContext context,
            List<CheckpointRecord> recorded,
            Object parentContext,
            long lastSeq) {
        this.services = services;
        this.launcher = launcher;
        this.flow = flow;
        this.action = action;
        this.flowId = flowId;
        this.context = context;
        this.parentContext = parentContext;
        this.cancellation = new RunCancellation(flowId);
        this.journal = new CheckpointJournal(services, flow, flowId, recorded, heldWrites(), cancellation);
        this.outbox = new RunOutbox(
                services,
                flow.durable(),
                !flow.ephemeralSessions(),
                flowId,
                context,
                lastSeq,
                this::holding,
                flow.itemAudiences());
        this.steps = new StepRunner(this, services, frames, journal, outbox, cancellation);
        this.blocks = new BlockRunner(this, services, frames, journal, steps, cancellation);
        this.scope = new RunScope<>(this, services, flow, input, context, frames, journal, outbox, steps, cancellation);
        this.startedAt = services.clock().instant();
    }

    /**
     * A revived run: when it started and the trace context its first execution stored.
     *
     * @param run the run as stored
     */
    void revived(RunRecord run) {
        this.startedAt = run.createdAt();
        this.origin = run.traceParent();
        this.revived = true;
    }

    /**
     * Opens the span of a new run before its row is stored, so that the row holds its trace context.
     *
     * @return the span's traceparent, or null
     */
    String openSpan() {
        if (runSpan == null) {
            runSpan = services.tracer()
                    .startRun(parentContext, flow.name(), flowId, context.parentFlowId(), context.sessionId(), origin);
        }
        return storable(services.tracer().traceParent(runSpan));
    }

    /**
     * The shape of a W3C traceparent (version, trace id, parent id, flags; a later version may add
     * fields), at most 128 characters as the run's column. Written by hand: the engine does not see
     * the OpenTelemetry API, whose propagator checks it (ArchitectureTest).
     */
    private static final java.util.regex.Pattern TRACE_PARENT =
            java.util.regex.Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(-[^\\s]*)?");

    /**
     * @return the traceparent of a tracer, or null if it is not one (too long or not W3C-shaped): a
     *     custom tracer's value must not make the run's row impossible to store
     */
    static String storable(String traceParent) {
        if (traceParent == null) {
            return null;
        }
        if (traceParent.length() > 128 || !TRACE_PARENT.matcher(traceParent).matches()) {
            LOG.fine(() -> "trace context not stored, not a W3C traceparent: " + traceParent);
            return null;
        }
        return traceParent;
    }

    /** The run's row could not be stored: the span that {@link #openSpan} opened ends. */
    void notStored(Throwable failure) {
        if (runSpan != null) {
            runSpan.fail(failure);
            runSpan.end();
        }
    }

    FlowModel flow() {
        return flow;
    }

    String flowId() {
        return flowId;
    }

    String flowName() {
        return flow.name();
    }

    RunContext context() {
        return context;
    }

    /** @return which run this is, for its lifecycle events */
    RunLifecycle.Of lifecycleOf() {
        return new RunLifecycle.Of(flowId, flow.name(), action.name(), context.sessionId(), context.parentFlowId());
    }

    /** @return the scope the body sees */
    RunScope<I> scope() {
        return scope;
    }

    BlockRunner blocks() {
        return blocks;
    }

    /** The step that failed this run for good, kept with the run's failure for the devtools. */
    private volatile io.crux.ee.spi.StepFailure failedStep;

    /** @param failure the step that failed for good, with its failed attempts */
    void failedStep(io.crux.ee.spi.StepFailure failure) {
        this.failedStep = failure;
    }

    /** @return whether the run's failure is that step's (not one the body caught and went on from) */
    private static boolean failedBy(Throwable failure, String label) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.crux.ee.api.exception.StepFailedException f
                    && label.equals(f.stepLabel().orElse(null))) {
                return true;
            }
        }
        return false;
    }

    /** @return the attempts of this run's steps that run now */
    List<io.crux.ee.service.RunningAttempt> running() {
        return steps.running();
    }

    /** @return the run's span, parent of its steps' spans; null before the first invocation */
    FlowTracer.Span span() {
        return runSpan;
    }

    CompletableFuture<FlowResult<O>> done() {
        return done;
    }

    // ---------------------------------------------------------------- the body

    void invoke() {
        if (!cancellation.enter(done)) {
            return;
        }
        Execution<?, ?> outer = CURRENT.get();
        CURRENT.set(this);
        if (runSpan == null) {
            openSpan();
            if (!startStored) {
                outbox.event("request.in_progress", Map.of());
            }
        }
        journal.restart();
        frames.remove();
        try (AutoCloseable ignored = runSpan.makeCurrent()) {
            cancellation.unwindIfCancelled();
            if (revived && flow.ephemeralSessions()) {
                // its session state lived in the memory of the server that ran it
                throw new FlowStateException(
                        Messages.ephemeralRecovered(flowId, flow.name()), flowId, FlowStatus.RUNNING);
            }
            scope.emitUserMessage(action);
            Object output = action.invoker().invoke(scope);
            end(FlowStatus.COMPLETED, output, null, null);
        } catch (Throwable t) {
            Interrupt interrupt = Interrupt.find(t);
            if (cancellation.lost() != null) {
                stop();
            } else if (interrupt instanceof Interrupt.RetryLater r) {
                launcher.scheduleRetry(this, r.delay);
            } else if (interrupt instanceof Interrupt.Suspend s) {
                suspend(s);
            } else if (interrupt instanceof Interrupt.LeaveForRecovery l) {
                leaveForRecovery(l.failure);
            } else if (interrupt instanceof Interrupt.Cancel || cancellation.isCancelled()) {
                end(FlowStatus.CANCELLED, null, cancellation.reason(), null);
            } else {
                end(FlowStatus.FAILED, null, null, t);
            }
        } finally {
            CURRENT.set(outer);
            frames.remove();
            cancellation.exit();
        }
    }

    private void suspend(Interrupt.Suspend s) {
        Instant now = services.clock().instant();
        SuspensionRecord suspension = new SuspensionRecord(
                s.position,
                s.name,
                s.payloadType == null ? null : s.payloadType.getName(),
                now,
                s.expiry == null ? null : now.plus(s.expiry));
        try {
            // the request's event is written with the suspension, in one transaction
            // its commit is ordered with the steps' (a branch may still be committing)
            Ended<O> ended =
                    outbox.inOrder(() -> services.store().suspend(flowId, services.nodeId(), suspension, stored -> {
                        if (stored.status() != FlowStatus.SUSPENDED) {
                            FlowResult<O> result = resultOf(stored); // a cancel came first
                            return new Ended<>(
                                    result,
                                    null,
                                    stored.status(),
                                    outbox.written(() -> outbox.terminalEvent(result, null)));
                        }
                        Map<String, Object> fields = new LinkedHashMap<>();
                        fields.put("name", s.name);
                        if (suspension.expiresAt() != null) {
                            fields.put("expiresAt", suspension.expiresAt().toString());
                        }
                        return new Ended<>(
                                new FlowResult.Suspended<>(flowId, s.name, now, suspension.expiresAt()),
                                null,
                                stored.status(),
                                outbox.written(() -> outbox.event("request.suspended", fields)));
                    }));
            outbox.publish(ended.written());
            // else a cancel came first, and told of itself
            Runnable told = ended.stored() != FlowStatus.SUSPENDED
                    ? null
                    : () -> services.lifecycle().suspended(lifecycleOf(), s.name, suspension.expiresAt());
            complete(ended.result(), ended.error(), outcomeOf(ended.stored()), told);
        } catch (LeaseLostException e) {
            cancellation.lost(e);
            stop();
        } catch (CruxException e) {
            closeUnlessTransient(e);
        }
    }

    private void end(FlowStatus status, Object output, String reason, Throwable failure) {
        CruxException error = failure == null ? null : asCruxException(failure);
        if (!flow.durable()) {
            // nothing is stored: the run ends here for good
            Runnable told = () -> ended(status, output, reason, failure, error);
            if (status == FlowStatus.COMPLETED) {
                close(new FlowResult.Completed<>(flowId, cast(output)), null, FlowMetrics.COMPLETED, told);
            } else if (status == FlowStatus.CANCELLED) {
                close(new FlowResult.Cancelled<>(flowId, reason), null, FlowMetrics.CANCELLED, told);
            } else {
                close(null, error, FlowMetrics.FAILED, told);
            }
            return;
        }
        if (cancellation.lost() != null) {
            stop();
            return;
        }
        try {
            Payload stored = status == FlowStatus.COMPLETED ? services.codec().encode(output) : null;
            String message = error != null ? error.getMessage() : reason;
            // a completed run without a stream and with nothing left in its outbox writes its row
            // alone, which a store may do more cheaply; else the request's last event (and a failed
            // step's record) is written with the run's end, in one transaction. Either commit is
            // ordered with the steps' (a branch may still be committing)
            Ended<O> ended = outbox.inOrder(() -> status == FlowStatus.COMPLETED && outbox.quiet()
                    ? endedAs(
                            services.store().finish(flowId, services.nodeId(), status, stored, message),
                            status,
                            output,
                            failure,
                            error)
                    : services.store()
                            .finish(
                                    flowId,
                                    services.nodeId(),
                                    status,
                                    stored,
                                    message,
                                    run -> endedAs(run, status, output, failure, error)));
            outbox.publish(ended.written());
            // a run that a caller cancelled meanwhile holds CANCELLED: that caller told of it
            Runnable told = ended.stored() == status && (status != FlowStatus.CANCELLED || cancellation.byRun())
                    ? () -> ended(status, output, reason, failure, error)
                    : null;
            complete(ended.result(), ended.error(), outcomeOf(ended.stored()), told);
        } catch (LeaseLostException e) {
            cancellation.lost(e);
            stop();
        } catch (CruxException e) {
            LOG.log(Level.WARNING, Messages.resultLost(flowId, e), e);
            closeUnlessTransient(e);
        }
    }

    /**
     * How the run ended, from its row as its end stored it; in the end's transaction, records the
     * step that failed the run and writes the request's last event. (After an end written alone, a
     * completed run that records no events and had nothing pending, there is neither to write.)
     */
    private Ended<O> endedAs(RunRecord run, FlowStatus status, Object output, Throwable failure, CruxException error) {
        io.crux.ee.spi.StepFailure step = failedStep;
        if (step != null && run.status() == FlowStatus.FAILED && failedBy(failure, step.label())) {
            services.store().recordFailure(flowId, step);
        }
        FlowResult<O> result = run.status() == status && status == FlowStatus.COMPLETED
                ? new FlowResult.Completed<>(flowId, cast(output))
                : resultOf(run);
        CruxException failed = run.status() == FlowStatus.FAILED ? error : null;
        return new Ended<>(result, failed, run.status(), outbox.written(() -> outbox.terminalEvent(result, failed)));
    }

    /** Tells the lifecycle listener how the run ended, once the end is stored (or, not durable, happened). */
    private void ended(FlowStatus status, Object output, String reason, Throwable failure, CruxException error) {
        RunLifecycle.Of of = lifecycleOf();
        switch (status) {
            case COMPLETED -> services.lifecycle().completed(of, output);
            case CANCELLED -> services.lifecycle().cancelled(of, reason);
            default -> services.lifecycle().failed(of, failure, error == null ? null : error.getMessage());
        }
    }

    /**
     * Ends this execution after its end or suspension could not be written. A passing store failure
     * leaves the run RUNNING for recovery, so its stream is not told that it failed; any other ends
     * the stream with request.failed.
     */
    private void closeUnlessTransient(CruxException e) {
        // not counted as ended: the row stays as it was (RUNNING, held by this node), and the
        // execution that recovers it ends it and counts it
        if (TransientFailures.isTransient(e)) {
            complete(null, e, null, null);
        } else {
            close(null, e, null, null);
        }
    }

    /**
     * How a run ended or suspended, the status the store holds for it after that write, and the
     * request's event written with it.
     */
    private record Ended<O>(FlowResult<O> result, CruxException error, FlowStatus stored, List<EventRecord> written) {}

    private FlowResult<O> resultOf(RunRecord run) {
        return RunQueries.storedResult(services.codec(), flow, run);
    }

    /**
     * The id of the next run that a handle starts from this run's code. It is derived from this
     * run's id, the step that starts it and its place among the runs that this attempt of the step
     * starts, so that the step, run again (a retry, a resume, a recovery), finds the run it started
     * before instead of starting another.
     */
    String childId() {
        Frame f = frames.get();
        String key = (f.stepId != null ? f.stepId : "body:" + f.path) + "\n" + ++f.children;
        return UUID.nameUUIDFromBytes((flowId + "\n" + key).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** Ends the run on this node, which no longer holds it, without writing anything. */
    private void stop() {
        if (done.isDone()) {
            return;
        }
        LeaseLostException lost = cancellation.lost();
        LOG.warning(lost.getMessage());
        complete(null, lost, null, null);
    }

    private void close(FlowResult<O> result, CruxException error, String ended, Runnable told) {
        outbox.terminalEvent(result, error);
        complete(result, error, ended, told);
    }

    /**
     * Ends this execution.
     *
     * @param ended how the run ended for good, as the store holds it (or, for a run that is not
     *     durable, as it ended in memory), counted in the metrics; null when the run suspended,
     *     another execution goes on with it, or what the store holds is not known
     * @param told tells the lifecycle listener of the transition, or null: once the run is no longer
     *     active here (an observer may signal it again) and before its caller has the outcome (which
     *     comes after the synchronous observers, as CDI's {@code Event.fire} does)
     */
    private void complete(FlowResult<O> result, CruxException error, String ended, Runnable told) {
        if (runSpan != null) {
            if (error != null) {
                runSpan.fail(error);
            }
            runSpan.setAttribute("crux.flow.outcome", result == null ? "failed" : outcome(result));
            runSpan.end();
        }
        launcher.finished(this);
        try {
            if (told != null) {
                told.run();
            }
        } finally {
            if (result != null) {
                done.complete(result);
            } else {
                done.completeExceptionally(error);
            }
        }
        // after the engine's own state changes, so that the metrics cannot keep them from happening
        if (ended != null) {
            services.metrics()
                    .runEnded(
                            flow.name(),
                            ended,
                            nonNegative(startedAt, services.clock().instant()));
        }
    }

    /** @return how a run whose row holds this status ended for good, or null if it has not ended */
    private static String outcomeOf(FlowStatus stored) {
        if (stored == null) {
            return null;
        }
        return switch (stored) {
            case COMPLETED -> FlowMetrics.COMPLETED;
            case FAILED -> FlowMetrics.FAILED;
            case CANCELLED -> FlowMetrics.CANCELLED;
            case EXPIRED -> FlowMetrics.EXPIRED;
            default -> null;
        };
    }

    /**
     * @return the time between two instants, zero if the end is before the start (a run started
     *     on a server whose clock is ahead); metrics drop negative durations
     */
    static Duration nonNegative(Instant start, Instant end) {
        Duration d = Duration.between(start, end);
        return d.isNegative() ? Duration.ZERO : d;
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

    // ---------------------------------------------------------------- start events

    /**
     * Gathers the first events of a new run, {@code request.created} and {@code request.in_progress},
     * and writes them, in the transaction that stores the run's row; the caller publishes them once
     * it has committed.
     *
     * @return the events written
     */
    List<EventRecord> startEvents() {
        startStored = true;
        return outbox.written(() -> {
            outbox.event(
                    "request.created",
                    Map.of(
                            "flowName",
                            flow.name(),
                            "action",
                            action.name(),
                            "sessionId",
                            String.valueOf(context.sessionId())));
            outbox.event("request.in_progress", Map.of());
        });
    }

    /** Hands committed events to the streams of this server. */
    void publish(List<EventRecord> written) {
        outbox.publish(written);
    }

    // ---------------------------------------------------------------- scheduling and cancellation

    void setPending(Future<?> future) {
        cancellation.setPending(future);
    }

    /**
     * The store stayed away while a checkpoint was written: the run stays RUNNING in the store as it
     * is, and this node forgets it, so that maintenance (here or on another server) recovers it from
     * its last checkpoint. Nothing is written, the database being what failed.
     */
    private void leaveForRecovery(RuntimeException failure) {
        LOG.log(
                Level.WARNING,
                Messages.leftForRecovery(flowId, TransientFailures.BACKOFF.size() + 1, failure),
                failure);
        endSpanLeftForRecovery(failure);
        launcher.finished(this);
        done.completeExceptionally(failure);
    }

    /**
     * Ends the run's span (opened before its row was stored, whose traceparent later executions
     * link to) as left for recovery, so that it is exported.
     */
    private void endSpanLeftForRecovery(RuntimeException why) {
        if (runSpan != null) {
            runSpan.fail(why);
            runSpan.setAttribute("crux.flow.outcome", "left-for-recovery");
            runSpan.end();
        }
    }

    /** The executor refused the run; it stays RUNNING in the store for recovery. */
    void abandon(RuntimeException rejected) {
        LOG.log(Level.WARNING, Messages.resultLost(flowId, rejected), rejected);
        endSpanLeftForRecovery(rejected);
        launcher.finished(this);
        done.completeExceptionally(
                new FlowFailedException(Messages.flowFailed(flowId, flow.name(), rejected), flowId, rejected));
    }

    void cancelFromOutside(String reason) {
        if (cancellation.cancelFromOutside(reason)) {
            end(FlowStatus.CANCELLED, null, reason, null);
        }
    }

    /**
     * This node no longer holds the run (a lease renewal or a write found another holder): the
     * run stops here, as a cancel would stop it, but ends without writing anything.
     */
    void loseLease(LeaseLostException why) {
        if (cancellation.loseLease(why)) {
            stop();
        }
    }

    /**
     * Does writes of this run in one transaction that checks that this node still holds it. A
     * refusal stops the run at its next step boundary: for good if another node holds it, or as a
     * cancel if another caller cancelled it.
     */
    <T> T holding(Supplier<T> writes) {
        return fenced(() -> services.store().whileHolding(flowId, services.nodeId(), writes));
    }

    /** Saves the run's checkpoints (and what goes with them, in the same transaction) while this node holds it. */
    private CheckpointJournal.HeldWrites heldWrites() {
        return new CheckpointJournal.HeldWrites() {
            @Override
            public <T> T save(CheckpointRecord checkpoint, Supplier<T> alongside) {
                return fenced(() -> services.store().saveCheckpointHolding(services.nodeId(), checkpoint, alongside));
            }

            @Override
            public void save(CheckpointRecord checkpoint) {
                fenced(() -> {
                    services.store().saveCheckpointHolding(services.nodeId(), checkpoint);
                    return null;
                });
            }
        };
    }

    /** Runs a write that the store refuses once this node no longer holds the run, and acts on the refusal. */
    private <T> T fenced(Supplier<T> write) {
        try {
            return write.get();
        } catch (LeaseLostException e) {
            loseLease(e);
            throw e;
        } catch (FlowCancelledException e) {
            cancellation.cancelledElsewhere(e.reason());
            throw e;
        }
    }

    /** The engine is closing: a retry that has not started is dropped and the run left for recovery. */
    void cancelPendingRetry() {
        if (cancellation.dropPendingRetry()) {
            abandon(new RejectedExecutionException("the application is stopping"));
        }
    }
}
