package io.crux.ee.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;

/**
 * The outbox of one executing run: numbers its request events, and stores events and items before
 * anyone sees them. Inside a step it gathers them and writes them in one transaction when the
 * step ends ({@link #flush()}); outside a step it writes each at once. Only the node that holds
 * the run writes, so the counter lives here, continued from the stored log when the run resumes;
 * the writes it makes on its own go through a {@link Fence} that checks that the node still holds
 * the run.
 */
final class RequestEvents {

    /** Does writes in one transaction that checks that this node still holds the run. */
    interface Fence {
        <T> T hold(Supplier<T> writes);

        /** For a caller that writes in a transaction of its own that checks what it must. */
        Fence NONE = new Fence() {
            @Override
            public <T> T hold(Supplier<T> writes) {
                return writes.get();
            }
        };
    }

    private final FlowEngine engine;
    private final String requestId;
    private final boolean events;
    private final Fence fence;
    private long seq;
    /** Steps that gather now; block branches run steps at the same time. */
    private int gathering;
    private final List<ItemRecord> items = new ArrayList<>();
    private final List<EventRecord> pending = new ArrayList<>();
    /** The request id as a JSON string. */
    private final String quotedRequestId;
    /** Event types as JSON strings; there are a handful. */
    private static final Map<String, String> TYPES = new ConcurrentHashMap<>();

    /**
     * For writes in the caller's transaction only ({@link #gather()}, then {@link #write()}).
     *
     * @param events whether the run records request events (otherwise only items are stored)
     */
    RequestEvents(FlowEngine engine, String requestId, long lastSeq, boolean events) {
        this(engine, requestId, lastSeq, events, Fence.NONE);
    }

    /**
     * @param events whether the run records request events (otherwise only items are stored)
     * @param fence where the writes this outbox makes on its own go through
     */
    RequestEvents(FlowEngine engine, String requestId, long lastSeq, boolean events, Fence fence) {
        this.engine = engine;
        this.requestId = requestId;
        this.events = events;
        this.fence = fence;
        this.seq = lastSeq;
        this.quotedRequestId = engine.codec.encode(requestId).json();
    }

    /** From now on, gather until the matching {@link #flush()}. */
    synchronized void gather() {
        gathering++;
    }

    /** Writes what was gathered in one transaction, then publishes the events. */
    void flush() {
        boolean[] wrote = {false};
        List<EventRecord> written;
        try {
            written = fence.hold(() -> {
                wrote[0] = true;
                return write();
            });
        } catch (RuntimeException refused) {
            if (!wrote[0]) {
                endGathering(); // what was gathered goes out with the next write, if the run may write again
            }
            throw refused;
        }
        publish(written);
    }

    private synchronized void endGathering() {
        gathering = Math.max(0, gathering - 1);
    }

    /**
     * Ends one gathering and writes what was gathered, in the caller's transaction if there is one;
     * the events must be {@linkplain #publish published} once that transaction has committed. When
     * steps of several branches gather at once, each write takes everything gathered so far, in
     * sequence order.
     *
     * @return the events written
     */
    synchronized List<EventRecord> write() {
        gathering = Math.max(0, gathering - 1);
        if (items.isEmpty() && pending.isEmpty()) {
            return List.of();
        }
        List<EventRecord> written = List.copyOf(pending);
        try {
            engine.sessions.append(List.copyOf(items), written);
        } finally {
            items.clear();
            pending.clear();
        }
        return written;
    }

    /**
     * Hands written events to the streams of this server once they are committed: at once after a
     * transaction of the store's own, at the commit of a caller's transaction that the write
     * joined, never if that rolls back.
     */
    void publish(List<EventRecord> written) {
        if (!written.isEmpty()) {
            engine.store.afterCommit(() -> written.forEach(engine.bus::publish));
        }
    }

    /** Stores (now or at the step's end) and publishes a request event; nothing when the run has no stream. */
    void append(String type, Map<String, ?> fields) {
        if (events) {
            numbered(() -> store(null, build(type, fields, null, seq + 1)));
        }
    }

    /**
     * Stores an item, and the event that carries it unless {@code eventType} is {@code null}, now
     * or at the step's end. The item is encoded once, for its row and its event.
     */
    void item(Item item, String sessionId, String eventType) {
        Instant now = engine.clock.instant();
        String json = engine.codec.encode(item).json();
        ItemRecord record = new ItemRecord(item, sessionId, requestId, now, now, json);
        numbered(() -> store(record, events && eventType != null ? build(eventType, Map.of(), json, seq + 1) : null));
    }

    /**
     * Numbers and stores under this outbox's lock; a write of its own goes through the fence first,
     * which is taken before the lock (a step's write takes the fence, then the lock) so that the
     * two never wait for each other.
     */
    private void numbered(Supplier<EventRecord> store) {
        synchronized (this) {
            if (gathering > 0) {
                store.get();
                return;
            }
        }
        EventRecord written = fence.hold(() -> {
            synchronized (this) {
                return store.get();
            }
        });
        if (written != null) {
            publish(List.of(written));
        }
    }

    /** @return the event if it was written now, for the caller to publish once it is committed; else {@code null} */
    private EventRecord store(ItemRecord item, EventRecord event) {
        if (event != null) {
            seq = event.seq();
        }
        if (gathering > 0) {
            if (item != null) {
                items.add(item);
            }
            if (event != null) {
                pending.add(event);
            }
            return null;
        }
        engine.sessions.append(item == null ? List.of() : List.of(item), event == null ? List.of() : List.of(event));
        return event;
    }

    /** Publishes an event that is not stored ({@code content.delta}); it carries the last stored sequence number. */
    synchronized void live(String type, Map<String, ?> fields) {
        if (events) {
            engine.bus.publish(build(type, fields, null, seq));
        }
    }

    /**
     * The envelope {@code {"type","requestId","seq","ts",...fields,"item"}} as JSON, written around
     * what is already encoded: the item, and the request id and type as JSON strings.
     *
     * @param itemJson an encoded item the envelope carries as {@code item}, or {@code null}
     */
    private EventRecord build(String type, Map<String, ?> fields, String itemJson, long number) {
        Instant now = engine.clock.instant();
        StringBuilder json = new StringBuilder(160 + (itemJson == null ? 0 : itemJson.length()));
        json.append("{\"type\":").append(TYPES.computeIfAbsent(type, t -> engine.codec.encode(t).json()))
                .append(",\"requestId\":").append(quotedRequestId)
                .append(",\"seq\":").append(number)
                .append(",\"ts\":\"").append(now).append('"');
        if (!fields.isEmpty()) {
            String encoded = engine.codec.encode(fields).json(); // {...}: its members follow ours
            json.append(',').append(encoded, 1, encoded.length() - 1);
        }
        if (itemJson != null) {
            json.append(",\"item\":").append(itemJson);
        }
        return new EventRecord(requestId, number, type, json.append('}').toString(), now);
    }
}
