package io.crux.ee.spi;

import java.util.Objects;
import java.util.Set;

import io.crux.ee.api.FlowStatus;

/**
 * A page of runs to read with {@link FlowStore#findRuns(RunQuery)}, newest first ({@code createdAt}
 * descending, then id descending, so that runs created at the same instant keep one order).
 * Immutable: the flow names are copied.
 *
 * @param flowNames the flows whose runs to return
 * @param status the status to match, or {@code null} for all
 * @param userId the user whose runs to return, or {@code null} for the runs of every user and of none
 * @param offset how many matching runs to skip
 * @param limit the most to return
 */
public record RunQuery(Set<String> flowNames, FlowStatus status, String userId, int offset, int limit) {

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
}
