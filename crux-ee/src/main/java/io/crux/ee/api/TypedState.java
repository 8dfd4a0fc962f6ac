package io.crux.ee.api;

import java.util.function.UnaryOperator;

/**
 * A typed view of a scope's state document: the document read as a record, and writes checked
 * against the record's component types and Bean Validation constraints. Made by
 * {@link FlowScope#state(Scope, Class)} and its shortcuts ({@link FlowScope#session(Class)}, ...).
 *
 * <p>Every operation is atomic, as on {@link ScopedState}, and emits {@code state.changed} with the
 * keys it changed. A key that is absent reads as {@code null}, or as {@code 0}/{@code false} for a
 * primitive component. Writes are refused with an
 * {@link io.crux.ee.api.exception.InvalidInputException} whose violations name the fields:
 * {@code CRUX0232E} for a key the type does not have, {@code CRUX0233E} for a value that does not fit
 * the key's type or constraints, {@code CRUX0234E} for {@code inc} on a key that is not integral or
 * {@code push} on one that is not a list. Nothing is written when a write is refused.
 *
 * <p>Thread-safe, like the document it views.
 *
 * @param <S> the record type
 */
public interface TypedState<S extends Record> {

    /** @return the scope of the document */
    Scope scope();

    /** @return the record type of this view */
    Class<S> type();

    /**
     * @return the document read as the record: each component from the key of its name, converted
     *     to the component's type
     * @throws IllegalStateException if a stored value does not convert to its component's type
     *     ({@code CRUX0236E})
     */
    S get();

    /**
     * Replaces the record's keys atomically with what {@code change} makes of the current record;
     * a component that is {@code null} removes its key. The function may be called more than once
     * (on a conflict), so it must have no other side effects.
     *
     * @param change makes the new record from the current one; must not return {@code null}
     * @return the record that was stored
     * @throws io.crux.ee.api.exception.InvalidInputException if the new record violates a constraint
     */
    S update(UnaryOperator<S> change);

    /**
     * @param field a component of the record
     * @param value its new value, or {@code null} to remove the key
     * @throws io.crux.ee.api.exception.InvalidInputException if the record has no such component,
     *     or the value does not fit its type or constraints
     */
    void set(String field, Object value);

    /**
     * Adds to an integral component atomically, starting from 0 when the key is absent.
     *
     * @param field an integral component ({@code int}, {@code long}, {@code short}, {@code byte}, their
     *     wrappers or {@code BigInteger})
     * @param delta the amount to add
     * @return the value after the change
     * @throws io.crux.ee.api.exception.InvalidInputException if the component is not integral
     */
    long inc(String field, long delta);

    /**
     * Appends to a list component atomically, creating the list when the key is absent.
     *
     * @param field a list component
     * @param element the element; must fit the list's element type and its constraints
     * @return the list's size after the change
     * @throws io.crux.ee.api.exception.InvalidInputException if the component is not a list, or the
     *     element does not fit
     */
    int push(String field, Object element);

    /** @return the untyped document, whose writes are checked the same way when the scope is typed */
    ScopedState untyped();
}
