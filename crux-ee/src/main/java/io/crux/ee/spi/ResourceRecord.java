package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored entry of a resource, as a {@link SessionStore} keeps it.
 *
 * @param scope {@code session}, {@code user} or {@code project}
 * @param owner the session, user or project id
 * @param name the resource's name
 * @param key the entry's key
 * @param json the value as JSON
 * @param version the entry's version, changed by every write
 * @param updatedAt when the entry was last written
 */
public record ResourceRecord(
        String scope, String owner, String name, String key, String json, long version, Instant updatedAt) {

    /** Checks the identity and the value. */
    public ResourceRecord {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
    }
}
