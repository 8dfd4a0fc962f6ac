package io.crux.ee.api;

import java.util.List;
import java.util.Optional;

/**
 * One page of a {@link Resource}'s entries in the order of their keys (Java's {@code String}
 * order, the database's binary order), and where the next page starts.
 *
 * @param entries the page's entries, by key
 * @param next the cursor of the next page (the last key of this one), empty on the last page
 * @param <T> the values' type
 */
public record ResourcePage<T>(List<ResourceEntry<T>> entries, Optional<String> next) {

    /** Copies the entries. */
    public ResourcePage {
        entries = List.copyOf(entries);
        next = next == null ? Optional.empty() : next;
    }
}
