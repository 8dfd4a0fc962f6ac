package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A new run was stored (for a flow that is not durable: created) and is about to execute. Fired on
 * the thread that started it, before its body runs; not fired again when the run is resumed or
 * recovered.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 */
public record RunStarted(
        String flowId, String flowName, String action, String sessionId, String parentFlowId, Instant at)
        implements FlowLifecycleEvent {}
