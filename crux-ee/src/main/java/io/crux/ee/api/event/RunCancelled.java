package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A run was cancelled, by a caller or by its own code. Fired once, after the cancel committed, on the
 * thread of the caller that cancelled it (or the run's thread when its code cancelled it); the run's
 * children that the cancel reaches fire their own.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param reason the cancel's reason, or {@code null}
 */
public record RunCancelled(
        String flowId, String flowName, String action, String sessionId, String parentFlowId, Instant at, String reason)
        implements FlowLifecycleEvent {}
