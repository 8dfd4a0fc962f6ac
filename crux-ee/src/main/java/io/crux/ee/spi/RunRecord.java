package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;

import io.crux.ee.api.FlowStatus;

/**
 * A run as stored. Immutable; {@code version} is the optimistic-lock version the store read.
 *
 * @param flowId the run id
 * @param flowName the flow's name
 * @param action the action's name
 * @param status the status
 * @param parentFlowId the parent run, or {@code null}
 * @param sessionId the session, or {@code null}
 * @param userId the user the run acts for, or {@code null}
 * @param projectId the project whose state it uses, or {@code null}
 * @param events whether the run records request events
 * @param input the input
 * @param output the output of a completed run, or {@code null}
 * @param error the failure message or cancel reason, or {@code null}
 * @param suspension the open suspension, or {@code null}
 * @param owner the node that holds the lease of a running run, or {@code null}
 * @param leaseUntil when that lease ends, or {@code null}
 * @param createdAt when the run started
 * @param updatedAt when the row was last written
 * @param version the optimistic-lock version
 * @param traceParent the W3C {@code traceparent} of the span of the run's first execution, which
 *     later executions (after a suspension or a recovery) link to; {@code null} when the run was not
 *     traced
 */
public record RunRecord(
        String flowId,
        String flowName,
        String action,
        FlowStatus status,
        String parentFlowId,
        String sessionId,
        String userId,
        String projectId,
        boolean events,
        Payload input,
        Payload output,
        String error,
        SuspensionRecord suspension,
        String owner,
        Instant leaseUntil,
        Instant createdAt,
        Instant updatedAt,
        long version,
        String traceParent) {

    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if {@code flowId}, {@code flowName}, {@code action}, {@code status}
     *     or {@code createdAt} is null
     */
    public RunRecord {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(flowName, "flowName");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A run without a stored trace context. */
    public RunRecord(
            String flowId,
            String flowName,
            String action,
            FlowStatus status,
            String parentFlowId,
            String sessionId,
            String userId,
            String projectId,
            boolean events,
            Payload input,
            Payload output,
            String error,
            SuspensionRecord suspension,
            String owner,
            Instant leaseUntil,
            Instant createdAt,
            Instant updatedAt,
            long version) {
        this(
                flowId,
                flowName,
                action,
                status,
                parentFlowId,
                sessionId,
                userId,
                projectId,
                events,
                input,
                output,
                error,
                suspension,
                owner,
                leaseUntil,
                createdAt,
                updatedAt,
                version,
                null);
    }

    /**
     * @param now the current time
     * @return whether a running run's lease has run out at {@code now}
     */
    public boolean leaseExpiredAt(Instant now) {
        return leaseUntil == null || !now.isBefore(leaseUntil);
    }
}
