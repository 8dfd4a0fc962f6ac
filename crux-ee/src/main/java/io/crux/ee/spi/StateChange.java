package io.crux.ee.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A change of one state document that names exactly what it does, so that a
 * {@link SessionStore} can apply it as one statement in the database instead of reading,
 * changing and rewriting the document ({@link SessionStore#changeState}). {@link #applyTo} is the
 * reference meaning of each change; a store that applies it another way must give the same
 * result and the same document. Every change is an immutable record, safe to share between
 * threads (an {@link Append}'s element is the caller's own object).
 *
 * @param <T> the change's result
 */
public sealed interface StateChange<T>
        permits StateChange.Patch, StateChange.Increment, StateChange.Append, StateChange.Remove {

    /**
     * Applies the change to a mutable copy of the document.
     *
     * @param scope the document's scope, for messages
     * @param doc the document, changed in place
     * @return the change's result
     * @throws IllegalStateException if the document holds a value of the wrong type at the key
     */
    T applyTo(String scope, Map<String, Object> doc);

    /** @return the keys this change may touch, for the {@code state.changed} event */
    List<String> keys();

    /**
     * Sets several keys; a {@code null} value removes its key. Result: {@code null}.
     *
     * @param values the keys and values, in order
     */
    record Patch(Map<String, Object> values) implements StateChange<Void> {

        /** Copies the values, keeping {@code null}s (removals). */
        public Patch {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
        }

        @Override
        public Void applyTo(String scope, Map<String, Object> doc) {
            values.forEach((k, v) -> {
                if (v == null) {
                    doc.remove(k);
                } else {
                    doc.put(k, v);
                }
            });
            return null;
        }

        @Override
        public List<String> keys() {
            return List.copyOf(values.keySet());
        }
    }

    /**
     * Adds to a whole number, starting from 0 when the key is absent or {@code null}. Result: the
     * value after the change.
     *
     * @param key the key
     * @param delta the amount to add
     */
    record Increment(String key, long delta) implements StateChange<Long> {

        /** Checks the key. */
        public Increment {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Long applyTo(String scope, Map<String, Object> doc) {
            Object current = doc.get(key);
            if (current != null && !(current instanceof Number)) {
                throw notA("number", scope, key, current);
            }
            long next = (current == null ? 0 : ((Number) current).longValue()) + delta;
            doc.put(key, next);
            return next;
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }
    }

    /**
     * Appends an element to a list, creating the list when the key is absent or {@code null}.
     * Result: the list's size after the change.
     *
     * @param key the key
     * @param value the element
     */
    record Append(String key, Object value) implements StateChange<Integer> {

        /** Checks the key. */
        public Append {
            Objects.requireNonNull(key, "key");
        }

        @Override
        @SuppressWarnings("unchecked")
        public Integer applyTo(String scope, Map<String, Object> doc) {
            Object current = doc.get(key);
            if (current != null && !(current instanceof List)) {
                throw notA("list", scope, key, current);
            }
            List<Object> list = current == null ? new ArrayList<>() : new ArrayList<>((List<Object>) current);
            list.add(value);
            doc.put(key, list);
            return list.size();
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }
    }

    /**
     * Removes a key. Result: whether it held a value other than {@code null}.
     *
     * @param key the key
     */
    record Remove(String key) implements StateChange<Boolean> {

        /** Checks the key. */
        public Remove {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public Boolean applyTo(String scope, Map<String, Object> doc) {
            return doc.remove(key) != null;
        }

        @Override
        public List<String> keys() {
            return List.of(key);
        }
    }

    /**
     * @param kind what the value should be
     * @param scope the document's scope
     * @param key the key
     * @param value what it is
     * @return the exception {@link #applyTo} throws for a value of the wrong type
     */
    private static IllegalStateException notA(String kind, String scope, String key, Object value) {
        return new IllegalStateException(
                "the value of '" + key + "' in the " + scope + " state is not a " + kind + ": " + value);
    }
}
