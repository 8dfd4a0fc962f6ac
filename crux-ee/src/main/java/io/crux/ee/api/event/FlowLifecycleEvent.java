package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A transition of a run that the engine made and stored: the common part of the lifecycle events.
 * Observe a subtype, or this type for every kind:
 *
 * <pre>{@code
 * void log(@Observes @FlowEvent("expense-approval") FlowLifecycleEvent e) {
 *     LOG.info(e.flowId() + " " + e.getClass().getSimpleName());
 * }
 * }</pre>
 *
 * <p>Implementations are immutable records, safe to share between threads.
 */
public sealed interface FlowLifecycleEvent
        permits RunStarted, RunSuspended, RunResumed, RunCompleted, RunFailed, RunCancelled, RunExpired, StepFailed {

    /** @return the run's id */
    String flowId();

    /** @return the run's flow, as in {@link io.crux.ee.api.FlowDefinition#value()} */
    String flowName();

    /** @return the run's action */
    String action();

    /** @return the run's session, or {@code null} if it has none */
    String sessionId();

    /** @return the run whose step started this run, or {@code null} for a top-level run */
    String parentFlowId();

    /** @return when the engine made the transition, on its clock */
    Instant at();
}
