package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A step failed for good: its last attempt failed and it has no fallback, or it failed with a
 * policy-terminal failure. Fired on the run's thread (a block branch's, for a step in a branch) when
 * the step gives up, before the body sees the failure (the body may catch it and go on; {@link
 * RunFailed} follows if it does not). Nothing is stored for a failed step before the run ends, so a
 * step that fails again after a recovery fires again. A step nested in a transactional step fires when the enclosing step's transaction
 * commits, and not at all if it rolls back (its attempt then runs again).
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param label the step's label
 * @param attempts how many attempts it made
 * @param messageId the message id of the last attempt's failure, or empty
 * @param errorType the class name of the last attempt's failure
 * @param message the last attempt's failure message, or {@code null}
 */
public record StepFailed(
        String flowId,
        String flowName,
        String action,
        String sessionId,
        String parentFlowId,
        Instant at,
        String label,
        int attempts,
        String messageId,
        String errorType,
        String message)
        implements FlowLifecycleEvent {}
