package io.crux.ee.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One completed step, signal or wait of a run, at its position.
 *
 * <p>A checkpoint made in this process carries the live {@code value} and a {@code null}
 * {@code payload}; a store that keeps data outside the heap encodes the value with its
 * {@link PayloadCodec}. A checkpoint read from a store carries the {@code payload} and no value.
 * A record: immutable apart from the live value, which is the step's own object.
 *
 * @param flowId the run id
 * @param position the position in the run, from 0
 * @param label the step label or suspension name
 * @param kind what it records
 * @param value the live value, or {@code null}
 * @param payload the stored value, or {@code null} if not encoded yet
 * @param attempts how many attempts the step took
 * @param fallback whether the value came from a fallback
 * @param completedAt when it completed
 * @param startedAt when its first attempt started, or {@code null} when not recorded
 * @param failures the attempts that failed before it completed, oldest first (copied)
 */
public record CheckpointRecord(
        String flowId,
        int position,
        String label,
        CheckpointKind kind,
        Object value,
        Payload payload,
        int attempts,
        boolean fallback,
        Instant completedAt,
        Instant startedAt,
        List<AttemptFailure> failures) {

    /**
     * Checks the required fields.
     *
     * @throws NullPointerException if {@code flowId}, {@code label}, {@code kind} or
     *     {@code completedAt} is null
     */
    public CheckpointRecord {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(completedAt, "completedAt");
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    /**
     * A checkpoint without its attempts' times and failures.
     *
     * @param flowId the run id
     * @param position the position in the run, from 0
     * @param label the step label or suspension name
     * @param kind what it records
     * @param value the live value, or {@code null}
     * @param payload the stored value, or {@code null} if not encoded yet
     * @param attempts how many attempts the step took
     * @param fallback whether the value came from a fallback
     * @param completedAt when it completed
     */
    public CheckpointRecord(
            String flowId,
            int position,
            String label,
            CheckpointKind kind,
            Object value,
            Payload payload,
            int attempts,
            boolean fallback,
            Instant completedAt) {
        this(flowId, position, label, kind, value, payload, attempts, fallback, completedAt, null, List.of());
    }

    /**
     * @param codec the codec to encode a live value with
     * @return the stored form of the value
     */
    public Payload payload(PayloadCodec codec) {
        return payload != null ? payload : codec.encode(value);
    }
}
