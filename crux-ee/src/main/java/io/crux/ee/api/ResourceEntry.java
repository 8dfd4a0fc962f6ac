package io.crux.ee.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored entry of a {@link Resource}: its key, its value read back as the resource's type, and
 * its version, which changes with every write of the entry; give the version to
 * {@link Resource#put(String, Object, long)} to write only if nobody wrote the entry since.
 *
 * @param key the entry's key
 * @param value the value
 * @param version the entry's version (the store's {@code @Version})
 * @param updatedAt when the entry was last written
 * @param <T> the value's type
 */
public record ResourceEntry<T>(String key, T value, long version, Instant updatedAt) {

    /** Checks the key and value. */
    public ResourceEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
