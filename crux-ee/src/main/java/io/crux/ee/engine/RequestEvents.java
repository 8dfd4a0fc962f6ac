package io.crux.ee.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;

/**
 * The outbox of one executing run: numbers its request events, and stores events and items before
 * anyone sees them. Inside a step it gathers them and writes them in one transaction when the
 * step ends ({@link #flush()}); outside a step it writes each at once. Only the node that holds
 * the run writes, so the counter lives here, continued from the stored log when the run resumes.
 */
final class RequestEvents {

    private final FlowEngine engine;
    private final String requestId;
    private final boolean events;
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
     * @param events whether the run records request events (otherwise only items are stored)
     */
    RequestEvents(FlowEngine engine, String requestId, long lastSeq, boolean events) {
        this.engine = engine;
        this.requestId = requestId;
        this.events = events;
        this.seq = lastSeq;
        this.quotedRequestId = engine.codec.encode(requestId).json();
    }

    /** From now on, gather until the matching {@link #flush()}. */
    synchronized void gather() {
        gathering++;
    }

    /** Writes what was gathered in one transaction, then publishes the events. */
    void flush() {
        publish(write());
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

    /** The items and events of one gathering, taken out of the outbox to be written. */
    record Gathered(List<ItemRecord> items, List<EventRecord> events) {}

    /**
     * Ends one gathering and takes what was gathered, for {@link #write(Gathered)}: unlike
     * {@link #write()}, the taking happens once, so that a write that is tried again writes the same.
     */
    synchronized Gathered take() {
        gathering = Math.max(0, gathering - 1);
        Gathered taken = new Gathered(List.copyOf(items), List.copyOf(pending));
        items.clear();
        pending.clear();
        return taken;
    }

    /**
     * Writes what {@link #take()} took, in the caller's transaction if there is one.
     *
     * @return the events written, to be {@linkplain #publish published} once that transaction has committed
     */
    List<EventRecord> write(Gathered taken) {
        if (!taken.items().isEmpty() || !taken.events().isEmpty()) {
            engine.sessions.append(taken.items(), taken.events());
        }
        return taken.events();
    }

    /** Hands committed events to the streams of this server. */
    void publish(List<EventRecord> written) {
        written.forEach(engine.bus::publish);
    }

    /** Stores (now or at the step's end) and publishes a request event; nothing when the run has no stream. */
    synchronized void append(String type, Map<String, ?> fields) {
        if (events) {
            store(null, build(type, fields, null, seq + 1));
        }
    }

    /**
     * Stores an item, and the event that carries it unless {@code eventType} is {@code null}, now
     * or at the step's end. The item is encoded once, for its row and its event.
     */
    synchronized void item(Item item, String sessionId, String eventType) {
        Instant now = engine.clock.instant();
        String json = engine.codec.encode(item).json();
        engine.limits.checkItem(requestId, item.id(), json);
        ItemRecord record = new ItemRecord(item, sessionId, requestId, now, now, json);
        store(record, events && eventType != null ? build(eventType, Map.of(), json, seq + 1) : null);
    }

    private void store(ItemRecord item, EventRecord event) {
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
            return;
        }
        engine.sessions.append(item == null ? List.of() : List.of(item), event == null ? List.of() : List.of(event));
        if (event != null) {
            engine.bus.publish(event);
        }
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
