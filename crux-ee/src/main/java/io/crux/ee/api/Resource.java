package io.crux.ee.api;

/**
 * A named, typed store of entries attached to a scope: the documents of a session, the notes of a
 * user, a project's knowledge base. Entries are durable JSON (JSON-B) rows keyed by the scope, the
 * scope's owner (the session, user or project id), the resource's name and the entry's key; each
 * has a version that every write changes. Declared by the flow ({@link FlowResource}) or in code
 * ({@link ResourceDecl}), reached from steps and blocks with {@link FlowScope#resource(String,
 * Class)}, and never shown to clients except through a {@link ClientData} method.
 *
 * <p>Writes follow the rules of state writes ({@link ScopedState}): each is one short transaction
 * of its own (or joins a transactional step's), runs whether or not it is inside a step, and is
 * made again when a step that made it is retried, so prefer writes that are idempotent (the same
 * key and value). Values are checked with Bean Validation and against the item size limit
 * ({@code crux.limits.item-bytes}) before they are stored. Every change emits a
 * {@code resource.changed} event with the scope, name and key to the run's request stream.
 *
 * <p>Thread-safe.
 *
 * @param <T> the values' type
 */
public interface Resource<T> extends ResourceReader<T> {

    /**
     * Writes an entry whatever its version.
     *
     * @param key the entry's key: not blank, at most 200 characters
     * @param value the value, not {@code null}
     * @return the stored entry with its new version
     * @throws IllegalArgumentException if the key is blank or too long ({@code CRUX0244E})
     * @throws io.crux.ee.api.exception.ConstraintViolatedException if Bean Validation refuses the value ({@code CRUX0243E})
     * @throws io.crux.ee.api.exception.LimitExceededException if the value's JSON is over the item limit ({@code CRUX0141E})
     */
    ResourceEntry<T> put(String key, T value);

    /**
     * Writes an entry only if its stored version is {@code expectedVersion}: optimistic locking
     * for a read-change-write of one entry.
     *
     * @param key the entry's key
     * @param value the value, not {@code null}
     * @param expectedVersion the version read before ({@link ResourceEntry#version()})
     * @return the stored entry with its new version
     * @throws io.crux.ee.api.exception.ResourceConflictException if the entry is absent or has another version
     *     ({@code CRUX0242E}); nothing was written
     * @throws IllegalArgumentException if the key is blank or too long
     * @throws io.crux.ee.api.exception.ConstraintViolatedException if Bean Validation refuses the value
     * @throws io.crux.ee.api.exception.LimitExceededException if the value's JSON is over the item limit
     */
    ResourceEntry<T> put(String key, T value, long expectedVersion);

    /**
     * Writes an entry only if the key has none.
     *
     * @param key the entry's key
     * @param value the value, not {@code null}
     * @return the stored entry
     * @throws io.crux.ee.api.exception.ResourceConflictException if the key has an entry ({@code CRUX0242E})
     * @throws IllegalArgumentException if the key is blank or too long
     * @throws io.crux.ee.api.exception.ConstraintViolatedException if Bean Validation refuses the value
     * @throws io.crux.ee.api.exception.LimitExceededException if the value's JSON is over the item limit
     */
    ResourceEntry<T> create(String key, T value);

    /**
     * @param key the entry's key
     * @return whether an entry was deleted
     */
    boolean delete(String key);
}
