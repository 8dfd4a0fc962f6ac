package io.crux.ee.service;

import java.time.Instant;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.RunQuery;

/**
 * Which runs of the flows defined here to read, and which page: every filter is matched in the
 * store. Immutable.
 *
 * @param flow the flow's name, or {@code null} for every flow defined here
 * @param status the status, or {@code null} for all
 * @param userId the user, or {@code null} for all
 * @param sessionId the session, or {@code null} for all
 * @param from only runs created at or after this, or {@code null}
 * @param to only runs created before this, or {@code null}
 * @param after the last run of the previous page, or {@code null} for the first page
 * @param limit the most runs to return, at least 1
 */
public record RunFilter(
        String flow,
        FlowStatus status,
        String userId,
        String sessionId,
        Instant from,
        Instant to,
        RunQuery.Cursor after,
        int limit) {

    /** @throws IllegalArgumentException if {@code limit} is less than 1 */
    public RunFilter {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
    }
}
