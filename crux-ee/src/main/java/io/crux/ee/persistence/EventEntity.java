package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * Stored events of a request: a run of consecutive sequence numbers, {@code firstSeq} to
 * {@code seq}, usually what one step emitted. The envelopes are one per line in {@code json}, their
 * types one per line in {@code types}; {@code type} is the last event's. The id is the request and
 * the first sequence number. Rows are written and split by {@code SessionRows}; a row without
 * {@code firstSeq} (written before events were batched) holds one event.
 */
@Entity
@Table(name = "CRUX_EVENT", indexes = @Index(name = "CRUX_EVENT_REQUEST", columnList = "REQUEST_ID, SEQ"))
public class EventEntity extends VersionedRow {

    @Id
    @Column(name = "ID", length = 160)
    String id;

    @Column(name = "REQUEST_ID", length = 128, nullable = false)
    String requestId;

    @Column(name = "FIRST_SEQ")
    Long firstSeq;

    /** The last sequence number of the row. */
    @Column(name = "SEQ", nullable = false)
    long seq;

    @Column(name = "TYPE", length = 40, nullable = false)
    String type;

    @Column(name = "EVENT_TYPES")
    String types;

    @Column(name = "EVENT_JSON", nullable = false)
    String json;

    @Convert(converter = InstantConverter.class)
    @Column(name = "OCCURRED_AT", nullable = false)
    Instant at;
}
