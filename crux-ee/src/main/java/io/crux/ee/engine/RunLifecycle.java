package io.crux.ee.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.event.RunCancelled;
import io.crux.ee.api.event.RunCompleted;
import io.crux.ee.api.event.RunExpired;
import io.crux.ee.api.event.RunFailed;
import io.crux.ee.api.event.RunResumed;
import io.crux.ee.api.event.RunStarted;
import io.crux.ee.api.event.RunSuspended;
import io.crux.ee.api.event.StepFailed;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.RunRecord;

/**
 * Tells the {@link FlowLifecycleListener} of a run's transitions once the writes that stored them
 * commit, outside the run's code, and keeps a listener's failure from reaching the run.
 */
final class RunLifecycle {

    private static final Logger LOG = Logger.getLogger(RunLifecycle.class.getName());

    /** Which run made a transition. */
    record Of(String flowId, String flowName, String action, String sessionId, String parentFlowId) {

        static Of stored(RunRecord run) {
            return new Of(run.flowId(), run.flowName(), run.action(), run.sessionId(), run.parentFlowId());
        }
    }

    private final FlowStore store;
    private final FlowLifecycleListener listener;
    private final Clock clock;

    RunLifecycle(FlowStore store, FlowLifecycleListener listener, Clock clock) {
        this.store = store;
        this.listener = listener == null ? FlowLifecycleListener.NOOP : listener;
        this.clock = clock;
    }

    void started(Of r) {
        fire(new RunStarted(r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant()));
    }

    void suspended(Of r, String name, Instant expiresAt) {
        fire(new RunSuspended(
                r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant(), name, expiresAt));
    }

    void resumed(Of r) {
        fire(new RunResumed(r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant()));
    }

    void completed(Of r, Object output) {
        fire(new RunCompleted(r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant(), output));
    }

    void failed(Of r, Throwable failure, String message) {
        fire(new RunFailed(
                r.flowId,
                r.flowName,
                r.action,
                r.sessionId,
                r.parentFlowId,
                clock.instant(),
                messageId(failure),
                failure == null ? null : failure.getClass().getName(),
                message));
    }

    void cancelled(Of r, String reason) {
        fire(new RunCancelled(r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant(), reason));
    }

    void expired(Of r, String name, Instant expiresAt) {
        fire(new RunExpired(
                r.flowId, r.flowName, r.action, r.sessionId, r.parentFlowId, clock.instant(), name, expiresAt));
    }

    void stepFailed(Of r, String label, int attempts, Throwable failure) {
        fire(new StepFailed(
                r.flowId,
                r.flowName,
                r.action,
                r.sessionId,
                r.parentFlowId,
                clock.instant(),
                label,
                attempts,
                messageId(failure),
                failure.getClass().getName(),
                failure.getMessage()));
    }

    /** @return the id of the first crux-ee failure in the chain, or empty */
    private static String messageId(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CruxException crux && !crux.messageId().isEmpty()) {
                return crux.messageId();
            }
        }
        return "";
    }

    private void fire(FlowLifecycleEvent event) {
        if (listener == FlowLifecycleListener.NOOP) {
            return;
        }
        // at once when the writes committed on their own; at the commit of a caller's transaction
        // that they joined, and never if it rolls back
        try {
            store.afterCommit(() -> deliver(event));
        } catch (RuntimeException e) { // the store could not tell whether the thread has a transaction
            LOG.log(
                    Level.WARNING,
                    Messages.lifecycleNotDelivered(event.getClass().getSimpleName(), event.flowId(), e),
                    e);
        }
    }

    private void deliver(FlowLifecycleEvent event) {
        // outside the run's code: a flow the listener starts is a run of its own, not a child
        Execution<?, ?> current = Execution.CURRENT.get();
        Execution.CURRENT.remove();
        try {
            listener.transitioned(event);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(
                    Level.WARNING,
                    Messages.lifecycleObserverFailed(event.getClass().getSimpleName(), event.flowId(), e),
                    e);
        } finally {
            if (current != null) {
                Execution.CURRENT.set(current);
            }
        }
    }
}
