package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A session of a flow kind: it owns state and items, and belongs to a user when the flow requires one.
 * Immutable.
 *
 * @param id the session id
 * @param kind the flow's name
 * @param userId the owner, or {@code null}
 * @param createdAt when it was created
 * @param updatedAt when a request last used it
 */
public record SessionRecord(String id, String kind, String userId, Instant createdAt, Instant updatedAt) {

    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if {@code id}, {@code kind} or {@code createdAt} is null
     */
    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
