package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import io.crux.ee.api.FlowStatus;

/**
 * A page of runs to read with {@link FlowStore#findRuns(RunQuery)}, newest first ({@code createdAt}
 * descending, then id descending, so that runs created at the same instant keep one order).
 * Immutable: the flow names are copied. Every filter is matched in the store (the database), and
 * a page that follows another starts after a key (keyset paging) rather than at an offset.
 *
 * @param flowNames the flows whose runs to return
 * @param status the status to match, or {@code null} for all
 * @param userId the user whose runs to return, or {@code null} for the runs of every user and of none
 * @param sessionId the session whose runs to return, or {@code null} for all
 * @param from only runs created at or after this instant, or {@code null}
 * @param to only runs created before this instant, or {@code null}
 * @param after the last run of the previous page (the page starts after it), or {@code null}
 * @param offset how many matching runs to skip
 * @param limit the most to return
 */
public record RunQuery(
        Set<String> flowNames,
        FlowStatus status,
        String userId,
        String sessionId,
        Instant from,
        Instant to,
        Cursor after,
        int offset,
        int limit) {

    /**
     * Where a page ends: the creation time and id of its last run.
     *
     * @param createdAt the last run's creation time
     * @param flowId the last run's id
     */
    public record Cursor(Instant createdAt, String flowId) {

        /** @throws NullPointerException if either is null */
        public Cursor {
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(flowId, "flowId");
        }

        /**
         * @param run a run of the store
         * @return whether the run comes after this key, newest first
         */
        public boolean precedes(RunRecord run) {
            int c = run.createdAt().compareTo(createdAt);
            return c < 0 || (c == 0 && run.flowId().compareTo(flowId) < 0);
        }
    }

    /**
     * Copies the flow names and checks the page.
     *
     * @throws NullPointerException if {@code flowNames} is null or holds null
     * @throws IllegalArgumentException if {@code offset} is negative or {@code limit} less than 1
     */
    public RunQuery {
        flowNames = Set.copyOf(Objects.requireNonNull(flowNames, "flowNames"));
        if (offset < 0 || limit < 1) {
            throw new IllegalArgumentException(
                    "offset must be at least 0 and limit at least 1: " + offset + ", " + limit);
        }
    }

    /**
     * A page by offset, filtered by flow, status and user only.
     *
     * @param flowNames the flows whose runs to return
     * @param status the status to match, or {@code null} for all
     * @param userId the user whose runs to return, or {@code null}
     * @param offset how many matching runs to skip
     * @param limit the most to return
     */
    public RunQuery(Set<String> flowNames, FlowStatus status, String userId, int offset, int limit) {
        this(flowNames, status, userId, null, null, null, null, offset, limit);
    }

    /**
     * @param run a run of the store
     * @return whether it matches every filter of this query, the page's start included
     */
    public boolean matches(RunRecord run) {
        return flowNames.contains(run.flowName())
                && (status == null || run.status() == status)
                && (userId == null || userId.equals(run.userId()))
                && (sessionId == null || sessionId.equals(run.sessionId()))
                && (from == null || !run.createdAt().isBefore(from))
                && (to == null || run.createdAt().isBefore(to))
                && (after == null || after.precedes(run));
    }

    /** @return this query without its status (the same filter, for counts by status) */
    public RunQuery anyStatus() {
        return new RunQuery(flowNames, null, userId, sessionId, from, to, null, 0, 1);
    }
}
