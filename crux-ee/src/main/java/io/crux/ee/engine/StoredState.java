package io.crux.ee.engine;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import io.crux.ee.api.ScopedState;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.StateChange;

/**
 * A state document, stored ({@link io.crux.ee.spi.SessionStore}) or in memory. Every operation is
 * one atomic update of the whole document; a change event names the keys it touched.
 */
class StoredState implements ScopedState {

    /** Applies a change to a document atomically and returns the change's result. */
    interface Documents {
        <T> T update(Function<Map<String, Object>, T> change);

        /** A named change; stores may apply it in one statement. */
        default <T> T change(String scope, StateChange<T> change) {
            return update(doc -> change.applyTo(scope, doc));
        }

        Map<String, Object> read();
    }

    private final String scope;
    private final Documents documents;
    private final PayloadCodec codec;
    private final Consumer<Set<String>> changed;
    /** Checks writes when the scope is typed; {@code null} for an untyped scope. */
    private final StateGuard guard;

    StoredState(String scope, Documents documents, PayloadCodec codec, Consumer<Set<String>> changed) {
        this(scope, documents, codec, changed, null);
    }

    StoredState(
            String scope, Documents documents, PayloadCodec codec, Consumer<Set<String>> changed, StateGuard guard) {
        this.scope = scope;
        this.documents = documents;
        this.codec = codec;
        this.changed = changed;
        this.guard = guard;
    }

    /** @return the same document, its writes checked by {@code other} instead */
    StoredState withGuard(StateGuard other) {
        return new StoredState(scope, documents, codec, changed, other);
    }

    /** @return the guard of a typed scope, or {@code null} */
    StateGuard guard() {
        return guard;
    }

    Documents documents() {
        return documents;
    }

    void changed(Set<String> keys) {
        if (!keys.isEmpty()) {
            changed.accept(keys);
        }
    }

    /** A document in memory, for the request scope. */
    static Documents inMemory() {
        Map<String, Object> doc = new HashMap<>();
        return new Documents() {
            @Override
            public synchronized <T> T update(Function<Map<String, Object>, T> change) {
                Map<String, Object> copy = new HashMap<>(doc);
                T result = change.apply(copy);
                doc.clear();
                doc.putAll(copy);
                return result;
            }

            @Override
            public synchronized Map<String, Object> read() {
                return new HashMap<>(doc);
            }
        };
    }

    @Override
    public String scope() {
        return scope;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(String key, Class<T> type) {
        Object value = documents.read().get(key);
        return Optional.ofNullable((T) codec.convert(value, type));
    }

    @Override
    public Map<String, Object> snapshot() {
        return documents.read();
    }

    @Override
    public void set(String key, Object value) {
        patch(java.util.Collections.singletonMap(key, value));
    }

    @Override
    public void patch(Map<String, ?> values) {
        if (guard != null) {
            guard.checkWrite(values);
        }
        documents.change(scope, new StateChange.Patch(new LinkedHashMap<>(values)));
        changed.accept(values.keySet());
    }

    @Override
    public long inc(String key, long delta) {
        if (guard != null) {
            guard.checkIncrement(key);
        }
        long after = documents.change(scope, new StateChange.Increment(key, delta));
        changed.accept(Set.of(key));
        return after;
    }

    @Override
    public int push(String key, Object value) {
        if (guard != null) {
            guard.checkPush(key, value);
        }
        int size = documents.change(scope, new StateChange.Append(key, value));
        changed.accept(Set.of(key));
        return size;
    }

    @Override
    public boolean remove(String key) {
        boolean existed = documents.change(scope, new StateChange.Remove(key));
        if (existed) {
            changed.accept(Set.of(key));
        }
        return existed;
    }

    @Override
    public <T> T atomic(Function<Map<String, Object>, T> change) {
        Set<String>[] keys = new Set[1];
        T result = documents.update(doc -> {
            Map<String, Object> before = new HashMap<>(doc);
            T r = change.apply(doc);
            Set<String> touched = new java.util.TreeSet<>();
            before.forEach((k, v) -> {
                if (!java.util.Objects.equals(v, doc.get(k))) {
                    touched.add(k);
                }
            });
            doc.keySet().stream().filter(k -> !before.containsKey(k)).forEach(touched::add);
            if (guard != null) {
                Map<String, Object> written = new HashMap<>();
                touched.forEach(k -> written.put(k, doc.get(k)));
                guard.checkWrite(written);
            }
            keys[0] = touched;
            return r;
        });
        if (!keys[0].isEmpty()) {
            changed.accept(keys[0]);
        }
        return result;
    }
}
