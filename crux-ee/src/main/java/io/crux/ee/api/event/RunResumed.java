package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A suspended run was taken up again by a signal or a resume, and is about to execute on the
 * server that took it. Fired on the thread that delivered the signal or the resume, before the
 * body continues. A run that recovery continues after its server died was not suspended: no event.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 */
public record RunResumed(
        String flowId, String flowName, String action, String sessionId, String parentFlowId, Instant at)
        implements FlowLifecycleEvent {}
