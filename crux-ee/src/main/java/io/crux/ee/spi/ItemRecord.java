package io.crux.ee.spi;

import java.time.Instant;

import io.crux.ee.api.Item;

/**
 * An item as stored with its session and request.
 *
 * @param item the item
 * @param sessionId its session, or {@code null}
 * @param requestId the request (run) that produced it
 * @param createdAt when it was added
 * @param updatedAt when it last changed
 */
public record ItemRecord(Item item, String sessionId, String requestId, Instant createdAt, Instant updatedAt) {}
