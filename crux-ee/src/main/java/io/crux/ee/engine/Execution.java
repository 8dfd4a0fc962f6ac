package io.crux.ee.engine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.RunRecord;

/**
 * One run in memory on this node, from its invocation to its end: invokes the body, and hands how
 * it ended or suspended (or that it stops here, or is left for recovery) to its {@link RunEnding}.
 * The body may be invoked several times (after a retry wait, on resume); each invocation replays
 * the recorded checkpoints in order. What the body does goes through the run's parts: its {@link
 * RunScope}, {@link CheckpointJournal}, {@link StepRunner}, {@link BlockRunner}, {@link RunOutbox}
 * and {@link RunCancellation}.
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

    private final RunEnding<O> ending;
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
        this.ending = new RunEnding<>(this, services, launcher, flow, flowId, outbox, cancellation);
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

    /** @return the attempts of this run's steps that run now */
    List<io.crux.ee.service.RunningAttempt> running() {
        return steps.running();
    }

    /** @return the run's span, parent of its steps' spans; null before the first invocation */
    FlowTracer.Span span() {
        return runSpan;
    }

    CompletableFuture<FlowResult<O>> done() {
        return ending.done();
    }

    /** @return when the run started: its first execution's start, for its duration */
    Instant startedAt() {
        return startedAt;
    }

    /** @param failure the step that failed the run for good, with its failed attempts */
    void failedStep(io.crux.ee.spi.StepFailure failure) {
        ending.failedStep(failure);
    }

    // ---------------------------------------------------------------- the body

    void invoke() {
        if (!cancellation.enter(ending.done())) {
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
            ending.end(FlowStatus.COMPLETED, output, null, null);
        } catch (Throwable t) {
            Interrupt interrupt = Interrupt.find(t);
            if (cancellation.lost() != null) {
                ending.stop();
            } else if (interrupt instanceof Interrupt.RetryLater r) {
                launcher.scheduleRetry(this, r.delay);
            } else if (interrupt instanceof Interrupt.Suspend s) {
                ending.suspend(s);
            } else if (interrupt instanceof Interrupt.LeaveForRecovery l) {
                ending.leaveForRecovery(l.failure);
            } else if (interrupt instanceof Interrupt.Cancel || cancellation.isCancelled()) {
                ending.end(FlowStatus.CANCELLED, null, cancellation.reason(), null);
            } else {
                ending.end(FlowStatus.FAILED, null, null, t);
            }
        } finally {
            CURRENT.set(outer);
            frames.remove();
            cancellation.exit();
        }
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

    /** @see RunCancellation#handOver */
    boolean handOver(Future<?> current, Future<?> next) {
        return cancellation.handOver(current, next);
    }

    /** The executor refused the run; it stays RUNNING in the store for recovery. */
    void abandon(RuntimeException rejected) {
        ending.abandon(rejected);
    }

    void cancelFromOutside(String reason) {
        if (cancellation.cancelFromOutside(reason)) {
            ending.end(FlowStatus.CANCELLED, null, reason, null);
        }
    }

    /**
     * This node no longer holds the run (a lease renewal or a write found another holder): the
     * run stops here, as a cancel would stop it, but ends without writing anything.
     */
    void loseLease(LeaseLostException why) {
        if (cancellation.loseLease(why)) {
            ending.stop();
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
