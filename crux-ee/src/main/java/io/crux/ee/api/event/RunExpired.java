package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A suspended run's deadline passed, and the run ended as expired: the engine sees it when a signal
 * or a resume comes after the deadline, and fires this event on that caller's thread after the end
 * committed.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param name the expired suspension's name
 * @param expiresAt the deadline that passed
 */
public record RunExpired(
        String flowId,
        String flowName,
        String action,
        String sessionId,
        String parentFlowId,
        Instant at,
        String name,
        Instant expiresAt)
        implements FlowLifecycleEvent {}
