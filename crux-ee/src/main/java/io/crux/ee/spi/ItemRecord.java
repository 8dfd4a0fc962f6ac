package io.crux.ee.spi;

import java.time.Instant;

import io.crux.ee.api.Item;

/**
 * An item as stored with its session and request. Immutable.
 *
 * @param item the item
 * @param sessionId its session, or {@code null}
 * @param requestId the request (run) that produced it
 * @param createdAt when it was added
 * @param updatedAt when it last changed
 * @param json the item as JSON, as the engine encoded it for its event, so that a store need not
 *     encode it again; {@code null} when not encoded yet
 */
public record ItemRecord(
        Item item, String sessionId, String requestId, Instant createdAt, Instant updatedAt, String json) {

    /**
     * An item not encoded yet.
     *
     * @param item the item
     * @param sessionId its session, or {@code null}
     * @param requestId the request (run) that produced it
     * @param createdAt when it was added
     * @param updatedAt when it last changed
     */
    public ItemRecord(Item item, String sessionId, String requestId, Instant createdAt, Instant updatedAt) {
        this(item, sessionId, requestId, createdAt, updatedAt, null);
    }

    /**
     * @param codec encodes the item when it is not encoded yet
     * @return the item as JSON
     */
    public String json(PayloadCodec codec) {
        return json != null ? json : codec.encode(item).json();
    }
}
