package io.crux.ee.api;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One state document of a flow: the session's, the user's, the project's (stored, shared by every
 * run in that scope) or the request's (in memory, for one run). A document is a JSON object of
 * named values. Every operation is atomic: concurrent updates from any number of runs and servers
 * are never lost. Values must be JSON-B serializable; they come back as JSON types (String,
 * BigDecimal, Boolean, List, Map) unless {@link #get(String, Class)} converts them.
 *
 * <p>Thread-safe: the branches of a parallel block may use one document at once.
 *
 * <p>Operations on stored scopes run outside the step machinery: an update made in a step that is
 * later retried is made again, so prefer idempotent {@code set}/{@code patch} there, and keep
 * {@code inc}/{@code push} in steps that complete once. Every change emits a
 * {@code state.changed} event to the run's request stream.
 *
 * <p>When the flow declares the scope's type ({@link ScopeState}), every write is checked against the
 * declaration before anything is written, and refused with an
 * {@link io.crux.ee.api.exception.InvalidInputException}: an undeclared key ({@code CRUX0232E}), a
 * value of another type or against a constraint ({@code CRUX0233E}), {@code inc} or {@code push} on
 * a key that is not integral or not a list ({@code CRUX0234E}). {@link TypedState} reads it typed.
 */
public interface ScopedState {

    /** @return the scope of this document: {@code session}, {@code user}, {@code project} or {@code request} */
    String scope();

    /**
     * @param key a key
     * @param type the wanted type
     * @param <T> the type
     * @return the value converted to {@code type}, or empty
     * @throws IllegalArgumentException if the value does not fit {@code type}
     */
    <T> Optional<T> get(String key, Class<T> type);

    /** @return a copy of the whole document */
    Map<String, Object> snapshot();

    /**
     * @param key a key
     * @param value the value, or {@code null} to remove the key
     */
    void set(String key, Object value);

    /**
     * Sets several keys at once.
     *
     * @param values the keys and values; a {@code null} value removes its key
     */
    void patch(Map<String, ?> values);

    /**
     * Adds to a number, starting from 0 when the key is absent.
     *
     * @param key a key
     * @param delta the amount to add
     * @return the value after the change
     * @throws IllegalStateException if the value is not a number
     */
    long inc(String key, long delta);

    /**
     * Appends to a list, creating it when the key is absent.
     *
     * @param key a key
     * @param value the element
     * @return the list's size after the change
     * @throws IllegalStateException if the value is not a list
     */
    int push(String key, Object value);

    /**
     * @param key a key
     * @return whether the key was present
     */
    boolean remove(String key);

    /**
     * Applies a change to the whole document atomically. The function receives a mutable copy and
     * may be called more than once (on a conflict), so it must have no other side effects.
     *
     * @param change mutates the copy and returns a result
     * @param <T> the result type
     * @return the function's result from the attempt that was stored
     */
    <T> T atomic(Function<Map<String, Object>, T> change);
}
