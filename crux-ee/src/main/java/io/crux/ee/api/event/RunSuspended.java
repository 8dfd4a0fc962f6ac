package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A run stopped to wait for a signal or a time, and its suspension is stored. Fired on the run's
 * thread after the suspension committed.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param name the suspension's name (the signal it waits for, or the wait's name)
 * @param expiresAt when the suspension expires, or {@code null} if it never does
 */
public record RunSuspended(
        String flowId,
        String flowName,
        String action,
        String sessionId,
        String parentFlowId,
        Instant at,
        String name,
        Instant expiresAt)
        implements FlowLifecycleEvent {}
