package io.crux.ee.block;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import io.crux.ee.catalog.Messages;

/**
 * The shared store of a {@link Blackboard}: keys mapped to JSON values, each with a version that
 * starts at 1 and grows by one with every write, read and written by the blackboard's agents. A
 * version of 0 means the key holds nothing.
 *
 * <pre>{@code
 * long seen = board.version("draft");
 * Draft draft = board.get("draft", Draft.class).orElseThrow();
 * if (!board.compareAndSet("draft", seen, draft.improved())) {
 *     // someone wrote the draft since it was read: read it again
 * }
 * }</pre>
 *
 * <p>An agent gets a board of its own for each attempt of its step: it sees the board as the agents
 * before it left it plus its own writes; its writes reach the shared board when its step completes,
 * and are recorded with the step, so a replayed run rebuilds the same board without running the
 * agent again. A failed attempt's writes are dropped.
 *
 * <p>Not thread-safe: a board belongs to one agent's step, or to the blackboard between steps.
 */
public final class Board {

    private static final Jsonb JSON = JsonbBuilder.create();

    /**
     * A key's value and version.
     *
     * @param key the key
     * @param json the value as JSON text
     * @param version the version, from 1
     */
    public record Entry(String key, String json, long version) {}

    /**
     * The writes of one agent's step, its recorded output.
     *
     * @param writes the entries it wrote, in order
     */
    public record Posting(List<Entry> writes) {}

    private final String path;
    private final Map<String, Entry> entries;
    private final List<Entry> writes = new ArrayList<>();

    Board(String path, Map<String, Entry> entries) {
        this.path = path;
        this.entries = new LinkedHashMap<>(entries);
    }

    /** @return a board for one agent's attempt, starting from this one's entries */
    Board forAgent(String agentPath) {
        return new Board(agentPath, entries);
    }

    /** Applies a recorded posting to this board. */
    void apply(Posting posting) {
        for (Entry e : posting.writes()) {
            entries.put(e.key(), e);
        }
    }

    /** @return the writes made through this board, as its step records them */
    Posting posting() {
        return new Posting(List.copyOf(writes));
    }

    /**
     * @param key a key
     * @return its version, or 0 if it holds nothing
     */
    public long version(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.version();
    }

    /** @return the keys that hold values, in the order they were first written */
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** @return every entry by key, a copy */
    public Map<String, Entry> entries() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    /**
     * @param key a key
     * @return whether it holds a value
     */
    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /**
     * @param key a key
     * @param type the type to read the JSON value as
     * @param <T> the type
     * @return the value, or empty if the key holds nothing
     * @throws IllegalArgumentException (CRUX0254E) if the value does not read as that type
     */
    public <T> Optional<T> get(String key, Class<T> type) {
        return get(key, (Type) type);
    }

    /**
     * @param key a key
     * @param type the type to read the JSON value as, for example a {@code ParameterizedType} of a list
     * @param <T> the type
     * @return the value, or empty if the key holds nothing
     * @throws IllegalArgumentException (CRUX0254E) if the value does not read as that type
     */
    public <T> Optional<T> get(String key, Type type) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.fromJson(e.json(), type));
        } catch (RuntimeException bad) {
            throw new IllegalArgumentException(Messages.boardUnreadable(path, key, type.getTypeName(), bad), bad);
        }
    }

    /**
     * Writes a value whatever the key's version.
     *
     * @param key a key
     * @param value a JSON-B serializable value, not {@code null}
     * @return the new version
     * @throws IllegalArgumentException (CRUX0255E) if the value cannot be written as JSON
     */
    public long put(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String json;
        try {
            json = JSON.toJson(value);
        } catch (RuntimeException bad) {
            throw new IllegalArgumentException(Messages.boardUnwritable(path, key, bad), bad);
        }
        Entry e = new Entry(key, json, version(key) + 1);
        entries.put(key, e);
        writes.add(e);
        return e.version();
    }

    /**
     * Writes a value only if the key still has the version the caller read.
     *
     * @param key a key
     * @param expectedVersion the version read before, 0 for a key that must hold nothing yet
     * @param value a JSON-B serializable value, not {@code null}
     * @return {@code true} if written; {@code false}, with nothing written, if another write came first
     * @throws IllegalArgumentException (CRUX0255E) if the value cannot be written as JSON
     */
    public boolean compareAndSet(String key, long expectedVersion, Object value) {
        if (version(key) != expectedVersion) {
            return false;
        }
        put(key, value);
        return true;
    }

    @Override
    public String toString() {
        Map<String, Long> versions = new LinkedHashMap<>();
        entries.forEach((k, e) -> versions.put(k, e.version()));
        return "Board[" + path + ", " + versions + "]";
    }
}
