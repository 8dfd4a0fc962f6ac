package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * The open suspension of a run. Immutable.
 *
 * @param position the position of the {@code suspend} or {@code waitUntil} call
 * @param name the name a signal must use
 * @param payloadType the binary class name of the payload, or {@code null} for a {@code waitUntil}
 * @param suspendedAt when the run suspended
 * @param expiresAt when the suspension expires, or {@code null}
 */
public record SuspensionRecord(int position, String name, String payloadType, Instant suspendedAt, Instant expiresAt) {

    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if {@code name} or {@code suspendedAt} is null
     */
    public SuspensionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(suspendedAt, "suspendedAt");
    }

    /** @return whether this suspension waits for a condition rather than a payload */
    public boolean isWait() {
        return payloadType == null;
    }

    /**
     * @param now the current time
     * @return whether the suspension has expired at {@code now}
     */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
