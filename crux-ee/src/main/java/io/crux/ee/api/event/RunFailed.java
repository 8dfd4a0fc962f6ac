package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A run failed for good (a step failed for good and the body did not catch it, or the body threw),
 * and its failure is stored. Fired on the run's thread after the run's end committed.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param messageId the message id of the failure (for example {@code CRUX0020E}), or empty when it
 *     has none
 * @param errorType the class name of what the body threw
 * @param message the failure's message, as stored with the run
 */
public record RunFailed(
        String flowId,
        String flowName,
        String action,
        String sessionId,
        String parentFlowId,
        Instant at,
        String messageId,
        String errorType,
        String message)
        implements FlowLifecycleEvent {}
