package io.crux.ee.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.ResourceConflictException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.ResourceRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;

/**
 * A {@link SessionStore} in the heap, for tests, the test kit and non-durable use. State documents
 * round-trip through JSON as they would through a database, so values come back as JSON types.
 */
public final class InMemorySessionStore implements SessionStore {

    private final PayloadCodec codec;
    private final Map<String, SessionRecord> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    /** In the order items were first added; replacing an item keeps its place. */
    private final Map<String, ItemRecord> items =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());

    private final Map<String, List<EventRecord>> events = new ConcurrentHashMap<>();

    /** Each resource's entries by key, per scope, owner and name; guarded by itself. */
    private final Map<List<String>, java.util.TreeMap<String, ResourceRecord>> resources = new HashMap<>();

    private final java.time.Clock clock;

    public InMemorySessionStore() {
        this(new JsonbPayloadCodec());
    }

    public InMemorySessionStore(PayloadCodec codec) {
        this(codec, java.time.Clock.systemUTC());
    }

    /**
     * @param codec converts state documents
     * @param clock stamps resource entries
     */
    public InMemorySessionStore(PayloadCodec codec, java.time.Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public void createSession(SessionRecord session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new FlowConflictException(Messages.sessionTaken(session.id()), null, null);
        }
    }

    @Override
    public Optional<SessionRecord> findSession(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public List<SessionRecord> listSessions(String kind, String userId, int limit) {
        return sessions.values().stream()
                .filter(s -> s.kind().equals(kind) && Objects.equals(s.userId(), userId))
                .sorted(Comparator.comparing(SessionRecord::createdAt).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public boolean deleteSession(String id) {
        documents.remove("session:" + id);
        synchronized (resources) {
            resources
                    .keySet()
                    .removeIf(k -> k.get(0).equals("session") && k.get(1).equals(id));
        }
        synchronized (items) {
            items.values().removeIf(i -> id.equals(i.sessionId()));
        }
        return sessions.remove(id) != null;
    }

    @Override
    public Map<String, Object> readState(String scope, String key) {
        return parse(documents.get(scope + ":" + key));
    }

    @Override
    public <T> T updateState(String scope, String key, Function<Map<String, Object>, T> change) {
        Object[] result = new Object[1];
        documents.compute(scope + ":" + key, (k, json) -> {
            Map<String, Object> doc = parse(json);
            result[0] = change.apply(doc);
            return codec.encode(doc).json();
        });
        @SuppressWarnings("unchecked")
        T typed = (T) result[0];
        return typed;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String json) {
        return json == null ? new HashMap<>() : new HashMap<>((Map<String, Object>) codec.convert(json, Map.class));
    }

    @Override
    public Optional<ResourceRecord> readResource(String scope, String owner, String name, String key) {
        synchronized (resources) {
            var entries = resources.get(List.of(scope, owner, name));
            return Optional.ofNullable(entries == null ? null : entries.get(key));
        }
    }

    @Override
    public ResourceRecord putResource(
            String scope, String owner, String name, String key, String json, Long expectedVersion) {
        synchronized (resources) {
            var entries = resources.computeIfAbsent(List.of(scope, owner, name), k -> new java.util.TreeMap<>());
            ResourceRecord stored = entries.get(key);
            long actual = stored == null ? -1 : stored.version();
            if (expectedVersion != null && expectedVersion != actual) {
                throw new ResourceConflictException(
                        Messages.resourceConflict(scope, owner, name, key, expectedVersion, actual),
                        name,
                        key,
                        expectedVersion,
                        actual);
            }
            ResourceRecord next = new ResourceRecord(
                    scope, owner, name, key, json, stored == null ? 1 : stored.version() + 1, clock.instant());
            entries.put(key, next);
            return next;
        }
    }

    @Override
    public List<ResourceRecord> listResources(String scope, String owner, String name, String afterKey, int limit) {
        synchronized (resources) {
            var entries = resources.get(List.of(scope, owner, name));
            if (entries == null) {
                return List.of();
            }
            return (afterKey == null ? entries : entries.tailMap(afterKey, false))
                    .values().stream().limit(limit).toList();
        }
    }

    @Override
    public boolean deleteResource(String scope, String owner, String name, String key) {
        synchronized (resources) {
            var entries = resources.get(List.of(scope, owner, name));
            return entries != null && entries.remove(key) != null;
        }
    }

    @Override
    public void append(List<ItemRecord> newItems, List<EventRecord> newEvents) {
        newItems.forEach(i -> items.put(i.item().id(), i));
        newEvents.forEach(this::appendEvent);
    }

    @Override
    public List<ItemRecord> listItems(String sessionId, int limit) {
        synchronized (items) {
            return items.values().stream()
                    .filter(i -> sessionId.equals(i.sessionId()))
                    .limit(limit)
                    .toList();
        }
    }

    private void appendEvent(EventRecord event) {
        List<EventRecord> log = events.computeIfAbsent(event.requestId(), k -> new ArrayList<>());
        synchronized (log) {
            if (!log.isEmpty() && log.get(log.size() - 1).seq() >= event.seq()) {
                throw new FlowConflictException(Messages.runChanged(event.requestId()), event.requestId(), null);
            }
            log.add(event);
        }
    }

    @Override
    public List<EventRecord> readEvents(String requestId, long afterSeq, int limit) {
        List<EventRecord> log = events.getOrDefault(requestId, List.of());
        synchronized (log) {
            return log.stream().filter(e -> e.seq() > afterSeq).limit(limit).toList();
        }
    }

    @Override
    public long lastSeq(String requestId) {
        List<EventRecord> log = events.getOrDefault(requestId, List.of());
        synchronized (log) {
            return log.isEmpty() ? 0 : log.get(log.size() - 1).seq();
        }
    }
}
