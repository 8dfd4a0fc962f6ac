package io.crux.ee.api;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of a stored run, as {@link FlowHandle#get(String)} and {@link FlowHandle#list} return
 * it. Immutable.
 *
 * @param flowId the run id
 * @param flowName the flow's name
 * @param action the action that runs
 * @param status the status at the time of reading
 * @param parentFlowId the id of the run whose step started this one, or {@code null}
 * @param sessionId the session, or {@code null}
 * @param suspensionName the name of the open suspension, or {@code null}
 * @param expiresAt when the open suspension expires, or {@code null}
 * @param error the failure message of a failed run, or the reason of a cancelled one
 * @param createdAt when the run started
 * @param updatedAt when the run row was last written
 * @param steps the recorded steps in execution order
 */
public record FlowRunInfo(
        String flowId,
        String flowName,
        String action,
        FlowStatus status,
        String parentFlowId,
        String sessionId,
        String suspensionName,
        Instant expiresAt,
        String error,
        Instant createdAt,
        Instant updatedAt,
        List<StepInfo> steps) {

    /**
     * One recorded step.
     *
     * @param position its position in the run, from 0
     * @param label its label
     * @param kind {@code step} or {@code signal}
     * @param attempts how many attempts it took
     * @param fallback whether its output came from the fallback
     * @param completedAt when it completed
     */
    public record StepInfo(
            int position, String label, String kind, int attempts, boolean fallback, Instant completedAt) {}
}
