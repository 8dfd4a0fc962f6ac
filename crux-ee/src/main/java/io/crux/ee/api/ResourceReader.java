package io.crux.ee.api;

import java.util.Optional;

/**
 * Reads one resource of one scope's owner: what a {@link ClientData} method may do with a resource
 * ({@link ClientData.Context#resource(String, Class)}), and the reading half of a {@link Resource}.
 * Every read sees what is committed when it runs. Thread-safe.
 *
 * @param <T> the values' type
 */
public interface ResourceReader<T> {

    /** @return the resource's declaration: its name, scope and value type */
    ResourceDecl<T> declaration();

    /**
     * @param key the entry's key
     * @return the entry with its version, or empty
     * @throws io.crux.ee.api.exception.CruxPersistenceException if the store cannot be read
     */
    Optional<ResourceEntry<T>> entry(String key);

    /**
     * @param key the entry's key
     * @return the value, or empty
     */
    default Optional<T> get(String key) {
        return entry(key).map(ResourceEntry::value);
    }

    /**
     * One page of the entries in key order.
     *
     * @param after the cursor of the page before ({@link ResourcePage#next()}), or {@code null} for the first page
     * @param limit the most entries of the page, at least 1
     * @return the page
     * @throws IllegalArgumentException if the limit is less than 1 ({@code CRUX0244E})
     */
    ResourcePage<T> list(String after, int limit);
}
