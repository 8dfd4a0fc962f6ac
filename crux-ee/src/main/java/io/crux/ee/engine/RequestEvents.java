package io.crux.ee.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crux.ee.spi.EventRecord;

/**
 * The event writer of one executing request: numbers events, stores them before anyone sees them,
 * then publishes them. Only the node that holds the run writes, so the counter lives here,
 * continued from the stored log when the run resumes.
 */
final class RequestEvents {

    private final FlowEngine engine;
    private final String requestId;
    private long seq;

    RequestEvents(FlowEngine engine, String requestId, long lastSeq) {
        this.engine = engine;
        this.requestId = requestId;
        this.seq = lastSeq;
    }

    /** Stores and publishes an event. */
    synchronized EventRecord append(String type, Map<String, ?> fields) {
        EventRecord event = build(type, fields, seq + 1);
        engine.sessions.appendEvent(event);
        seq = event.seq();
        engine.bus.publish(event);
        return event;
    }

    /** Publishes an event that is not stored ({@code content.delta}); it carries the last stored sequence number. */
    synchronized void live(String type, Map<String, ?> fields) {
        engine.bus.publish(build(type, fields, seq));
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
