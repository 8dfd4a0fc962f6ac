package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** One stored event of a request; the key (request, sequence number) is unique. */
@Entity
@Table(name = "CRUX_EVENT", indexes = @Index(name = "CRUX_EVENT_REQUEST", columnList = "REQUEST_ID, SEQ"))
public class EventEntity {

    @Id
    @Column(name = "ID", length = 160)
    String id;

    @Column(name = "REQUEST_ID", length = 128, nullable = false)
    String requestId;

    @Column(name = "SEQ", nullable = false)
    long seq;

    @Column(name = "TYPE", length = 40, nullable = false)
    String type;

    @Lob
    @Column(name = "EVENT_JSON", nullable = false)
    String json;

    @Convert(converter = InstantConverter.class)
    @Column(name = "OCCURRED_AT", nullable = false)
    Instant at;

    @Version
    @Column(name = "VERSION", nullable = false)
    long version;
}
