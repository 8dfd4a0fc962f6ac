package io.crux.ee.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * @param events whether the run records request events (otherwise only items are stored)
     */
    RequestEvents(FlowEngine engine, String requestId, long lastSeq, boolean events) {
        this.engine = engine;
        this.requestId = requestId;
        this.events = events;
        this.seq = lastSeq;
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

    /** Hands committed events to the streams of this server. */
    void publish(List<EventRecord> written) {
        written.forEach(engine.bus::publish);
    }

    /** Stores (now or at the step's end) and publishes a request event; nothing when the run has no stream. */
    synchronized void append(String type, Map<String, ?> fields) {
        if (!events) {
            return;
        }
        EventRecord event = build(type, fields, seq + 1);
        seq = event.seq();
        if (gathering > 0) {
            pending.add(event);
        } else {
            engine.sessions.append(List.of(), List.of(event));
            engine.bus.publish(event);
        }
    }

    /** Stores an item, now or at the step's end. */
    synchronized void item(ItemRecord item) {
        if (gathering > 0) {
            items.add(item);
        } else {
            engine.sessions.append(List.of(item), List.of());
        }
    }

    /** Publishes an event that is not stored ({@code content.delta}); it carries the last stored sequence number. */
    synchronized void live(String type, Map<String, ?> fields) {
        if (events) {
            engine.bus.publish(build(type, fields, seq));
        }
    }

    private EventRecord build(String type, Map<String, ?> fields, long number) {
        Instant now = engine.clock.instant();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", type);
        envelope.put("requestId", requestId);
        envelope.put("seq", number);
        envelope.put("ts", now.toString());
        envelope.putAll(fields);
        return new EventRecord(requestId, number, type, engine.codec.encode(envelope).json(), now);
    }
}
