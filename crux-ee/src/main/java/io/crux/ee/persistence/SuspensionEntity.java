package io.crux.ee.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import io.crux.ee.spi.SuspensionRecord;

/** A suspension of a run and the signal that answered it. */
@Entity
@Table(name = "CRUX_SUSPENSION", indexes = @Index(name = "CRUX_SUSPENSION_RUN", columnList = "FLOW_ID"))
public class SuspensionEntity extends RunPositionRow {

    /** The suspension is waiting. */
    static final String OPEN = "OPEN";
    /** A signal or resume took the run. */
    static final String CLOSED = "CLOSED";
    /** The run was cancelled or expired while waiting. */
    static final String ENDED = "ENDED";

    @Column(name = "NAME", length = 200, nullable = false)
    String name;

    @Column(name = "PAYLOAD_TYPE", length = 400)
    String payloadType;

    @Column(name = "STATE", length = 16, nullable = false)
    String state;

    @Convert(converter = InstantConverter.class)
    @Column(name = "SUSPENDED_AT", nullable = false)
    Instant suspendedAt;

    @Convert(converter = InstantConverter.class)
    @Column(name = "EXPIRES_AT")
    Instant expiresAt;

    @Column(name = "SIGNAL_JSON")
    String signalJson;

    @Convert(converter = InstantConverter.class)
    @Column(name = "SIGNALLED_AT")
    Instant signalledAt;

    /** A new, open suspension of a run, under an id of its own. */
    static SuspensionEntity opened(String flowId, SuspensionRecord suspension) {
        SuspensionEntity s = new SuspensionEntity();
        s.id = UUID.randomUUID().toString();
        s.flowId = flowId;
        s.position = suspension.position();
        s.name = suspension.name();
        s.payloadType = suspension.payloadType();
        s.state = OPEN;
        s.suspendedAt = suspension.suspendedAt();
        s.expiresAt = suspension.expiresAt();
        return s;
    }

    /** @return what the run waits for; the signal that answered it is the run's checkpoint */
    SuspensionRecord toRecord() {
        return new SuspensionRecord(position, name, payloadType, suspendedAt, expiresAt);
    }
}
