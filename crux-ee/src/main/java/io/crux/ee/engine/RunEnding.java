package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * How one run's {@link Execution} on this node ends: writes the run's end or suspension (with the
 * request's last event, and with the step that failed it, in the order of its steps' commits), or
 * stops without writing (the lease is lost) or leaves the run for recovery; then ends the run's
 * span, tells the lifecycle listener of the transition it stored, counts the run's end when the run
 * ended for good, and completes the caller's future.
 */
final class RunEnding<O> {

    private static final Logger LOG = Logger.getLogger(RunEnding.class.getName());

    private final Execution<?, O> execution;
    private final EngineServices services;
    private final Launcher launcher;
    private final FlowModel flow;
    private final String flowId;
    private final RunOutbox outbox;
    private final RunCancellation cancellation;

    private final CompletableFuture<FlowResult<O>> done = new CompletableFuture<>();

    RunEnding(
            Execution<?, O> execution,
            EngineServices services,
            Launcher launcher,
            FlowModel flow,
            String flowId,
            RunOutbox outbox,
            RunCancellation cancellation) {
        this.execution = execution;
        this.services = services;
        this.launcher = launcher;
        this.flow = flow;
        this.flowId = flowId;
        this.outbox = outbox;
        this.cancellation = cancellation;
    }

    /** @return the caller's outcome of the execution */
    CompletableFuture<FlowResult<O>> done() {
        return done;
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

    void suspend(Interrupt.Suspend s) {
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
                    : () -> services.lifecycle().suspended(execution.lifecycleOf(), s.name, suspension.expiresAt());
            complete(ended.result(), ended.error(), outcomeOf(ended.stored()), told);
        } catch (LeaseLostException e) {
            cancellation.lost(e);
            stop();
        } catch (CruxException e) {
            closeUnlessTransient(e);
        }
    }

    void end(FlowStatus status, Object output, String reason, Throwable failure) {
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
            String message = error != null ? toldError(error) : reason;
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
                            error,
                            message)
                    : services.store()
                            .finish(
                                    flowId,
                                    services.nodeId(),
                                    status,
                                    stored,
                                    message,
                                    run -> endedAs(run, status, output, failure, error, message)));
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
    private Ended<O> endedAs(
            RunRecord run, FlowStatus status, Object output, Throwable failure, CruxException error, String message) {
        io.crux.ee.spi.StepFailure step = failedStep;
        if (step != null && run.status() == FlowStatus.FAILED && failedBy(failure, step.label())) {
            services.store().recordFailure(flowId, step);
        }
        FlowResult<O> result = run.status() == status && status == FlowStatus.COMPLETED
                ? new FlowResult.Completed<>(flowId, cast(output))
                : resultOf(run);
        CruxException failed = run.status() == FlowStatus.FAILED ? error : null;
        return new Ended<>(
                result,
                failed,
                run.status(),
                outbox.written(() -> outbox.terminalEvent(result, failed == null ? null : message)));
    }

    /** Tells the lifecycle listener how the run ended, once the end is stored (or, not durable, happened). */
    private void ended(FlowStatus status, Object output, String reason, Throwable failure, CruxException error) {
        RunLifecycle.Of of = execution.lifecycleOf();
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

    /** Ends the run on this node, which no longer holds it, without writing anything. */
    void stop() {
        if (done.isDone()) {
            return;
        }
        LeaseLostException lost = cancellation.lost();
        LOG.warning(lost.getMessage());
        complete(null, lost, null, null);
    }

    private void close(FlowResult<O> result, CruxException error, String ended, Runnable told) {
        outbox.terminalEvent(result, error == null ? null : toldError(error));
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
        FlowTracer.Span span = execution.span();
        if (span != null) {
            if (error != null) {
                span.fail(error);
            }
            span.setAttribute("crux.flow.outcome", result == null ? "failed" : outcome(result));
            span.end();
        }
        launcher.finished(execution);
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
                            nonNegative(execution.startedAt(), services.clock().instant()));
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

    /**
     * What the run's row and its stream tell of {@code error}: its message, but for a failure of the
     * store (the error itself or one it wraps, as a step's failure wraps its transaction's commit or
     * a child run's store), whose message may quote the database (its statement, its error), a
     * reference to this server's log, where the whole cause is written. The run's owner reads both
     * over HTTP.
     */
    private String toldError(CruxException error) {
        CruxPersistenceException store = CruxPersistenceException.foundIn(error).orElse(null);
        if (store == null) {
            return error.getMessage();
        }
        String reference = UUID.randomUUID().toString();
        LOG.log(
                Level.WARNING,
                error,
                () -> "Run " + flowId + " failed, reference " + reference + ": " + error.getMessage());
        return Messages.serverFailed(store.messageId().isEmpty() ? "error" : store.messageId(), reference);
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

    /**
     * The store stayed away while a checkpoint was written: the run stays RUNNING in the store as it
     * is, and this node forgets it, so that maintenance (here or on another server) recovers it from
     * its last checkpoint. Nothing is written, the database being what failed.
     */
    void leaveForRecovery(RuntimeException failure) {
        LOG.log(
                Level.WARNING,
                Messages.leftForRecovery(flowId, TransientFailures.BACKOFF.size() + 1, failure),
                failure);
        endSpanLeftForRecovery(failure);
        launcher.finished(execution);
        done.completeExceptionally(failure);
    }

    /**
     * Ends the run's span (opened before its row was stored, whose traceparent later executions
     * link to) as left for recovery, so that it is exported.
     */
    private void endSpanLeftForRecovery(RuntimeException why) {
        FlowTracer.Span span = execution.span();
        if (span != null) {
            span.fail(why);
            span.setAttribute("crux.flow.outcome", "left-for-recovery");
            span.end();
        }
    }

    /** The executor refused the run; it stays RUNNING in the store for recovery. */
    void abandon(RuntimeException rejected) {
        LOG.log(Level.WARNING, Messages.resultLost(flowId, rejected), rejected);
        endSpanLeftForRecovery(rejected);
        launcher.finished(execution);
        done.completeExceptionally(
                new FlowFailedException(Messages.flowFailed(flowId, flow.name(), rejected), flowId, rejected));
    }
}
