package io.crux.ee.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where sessions, scoped state documents, items and request events are kept. Implementations are
 * thread-safe and run every method in a transaction of its own. Any method may throw
 * {@link io.crux.ee.api.exception.CruxPersistenceException} when the database fails for a reason
 * other than a conflict.
 */
public interface SessionStore {

    /**
     * @param session a new session
     * @throws io.crux.ee.api.exception.FlowConflictException if the id is taken
     */
    void createSession(SessionRecord session);

    /**
     * @param id a session id
     * @return the session, or empty
     */
    Optional<SessionRecord> findSession(String id);

    /**
     * @param kind the flow's name
     * @param userId the owner to match, or {@code null} for sessions without an owner
     * @param limit the most to return
     * @return sessions, newest first
     */
    List<SessionRecord> listSessions(String kind, String userId, int limit);

    /**
     * Deletes a session with its state, items and session resources.
     *
     * @param id the session id
     * @return whether it existed
     */
    boolean deleteSession(String id);

    /**
     * @param scope {@code session}, {@code user} or {@code project}
     * @param key the session, user or project id
     * @return a copy of the document, empty when none is stored
     */
    Map<String, Object> readState(String scope, String key);

    /**
     * Changes a document atomically: no concurrent update is lost. The change may be applied more
     * than once if the store retries, so it must have no other effects.
     *
     * @param scope the scope
     * @param key the scope's id
     * @param change mutates a copy of the document and returns a result
     * @param <T> the result type
     * @return the result of the stored attempt
     */
    <T> T updateState(String scope, String key, Function<Map<String, Object>, T> change);

    /**
     * Applies a named change to a document atomically: no concurrent update is lost, and the
     * document's version changes, as with {@link #updateState}. A store may apply it as a single
     * statement in the database; by default it is {@link #updateState} with
     * {@link StateChange#applyTo}.
     *
     * @param scope the scope
     * @param key the scope's id
     * @param change the change
     * @param <T> the result type
     * @return the change's result
     * @throws IllegalStateException if the document holds a value of the wrong type at the key
     */
    default <T> T changeState(String scope, String key, StateChange<T> change) {
        return updateState(scope, key, doc -> change.applyTo(scope, doc));
    }

    /**
     * @param scope {@code session}, {@code user} or {@code project}
     * @param owner the session, user or project id
     * @param name the resource's name
     * @param key the entry's key
     * @return the entry, or empty
     */
    Optional<ResourceRecord> readResource(String scope, String owner, String name, String key);

    /**
     * Writes an entry of a resource, in a transaction of its own or the caller's. Concurrent
     * writes of one entry queue: none is lost, and a conditional one sees the version the write
     * before it left.
     *
     * @param scope the scope
     * @param owner the scope's owner
     * @param name the resource's name
     * @param key the entry's key
     * @param json the value as JSON
     * @param expectedVersion {@code null} to write whatever is stored; -1 to write only if no entry
     *     is stored; else write only if the stored entry has this version
     * @return the stored entry, with its new version
     * @throws io.crux.ee.api.exception.ResourceConflictException if the condition does not hold; nothing is written
     */
    ResourceRecord putResource(String scope, String owner, String name, String key, String json, Long expectedVersion);

    /**
     * One page of a resource's entries, by key in binary ({@code String}) order.
     *
     * @param scope the scope
     * @param owner the scope's owner
     * @param name the resource's name
     * @param afterKey only keys after this one, or {@code null} for the first page
     * @param limit the most to return
     * @return the entries, by key
     */
    List<ResourceRecord> listResources(String scope, String owner, String name, String afterKey, int limit);

    /**
     * @param scope the scope
     * @param owner the scope's owner
     * @param name the resource's name
     * @param key the entry's key
     * @return whether an entry was deleted
     */
    boolean deleteResource(String scope, String owner, String name, String key);

    /**
     * Stores items (added or replaced by item id) and events in one transaction: the engine
     * gathers what a step emits and writes it once when the step ends.
     *
     * @param items items to add or replace
     * @param events events to add; each (request, seq) pair is unique
     * @throws io.crux.ee.api.exception.FlowConflictException if a sequence number is taken
     */
    void append(List<ItemRecord> items, List<EventRecord> events);

    /**
     * @param sessionId the session
     * @param limit the most to return
     * @return the session's items, oldest first
     */
    List<ItemRecord> listItems(String sessionId, int limit);

    /**
     * One page of a session's items, newest first: items are ordered by their first appearance,
     * each once with its last content (a changed item keeps its place), so a page read later
     * continues where the previous one ended even when new items were added since.
     *
     * @param sessionId the session
     * @param beforeItemId the id of the last item of the previous page, or {@code null} for the newest
     * @param limit the most to return
     * @return the items of the page, newest first; empty when {@code beforeItemId} is not an item of the session
     */
    default List<ItemRecord> pageItems(String sessionId, String beforeItemId, int limit) {
        List<ItemRecord> all = listItems(sessionId, Integer.MAX_VALUE);
        int end = all.size();
        if (beforeItemId != null) {
            end = 0;
            while (end < all.size() && !all.get(end).item().id().equals(beforeItemId)) {
                end++;
            }
            if (end == all.size()) {
                return List.of();
            }
        }
        List<ItemRecord> page = new java.util.ArrayList<>(all.subList(Math.max(0, end - limit), end));
        java.util.Collections.reverse(page);
        return page;
    }

    /**
     * @param requestId the request
     * @param afterSeq only events with a larger sequence number
     * @param limit the most to return
     * @return events in sequence order
     */
    List<EventRecord> readEvents(String requestId, long afterSeq, int limit);

    /**
     * @param requestId the request
     * @return the largest stored sequence number, 0 if none
     */
    long lastSeq(String requestId);
}
