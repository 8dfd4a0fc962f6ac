package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Table;

import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;

/**
 * A completed step, signal or wait at its position in a run; the database's key makes a position
 * unique. Its indexes are the shipped DDL's ({@code META-INF/crux/ddl}), which differ by database.
 */
@Entity
@Table(name = "CRUX_STEP")
public class StepCheckpointEntity extends RunPositionRow {

    @Column(name = "LABEL", length = 200, nullable = false)
    String label;

    @Enumerated(EnumType.STRING)
    @Column(name = "KIND", length = 16, nullable = false)
    CheckpointKind kind;

    @Column(name = "OUTPUT_TYPE", length = 400)
    String outputType;

    @Column(name = "OUTPUT_JSON")
    String outputJson;

    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;

    @Column(name = "FALLBACK", nullable = false)
    boolean fallback;

    @Convert(converter = InstantConverter.class)
    @Column(name = "COMPLETED_AT", nullable = false)
    Instant completedAt;

    @Convert(converter = InstantConverter.class)
    @Column(name = "STARTED_AT")
    Instant startedAt;

    /** The failed attempts before the step completed, JSON ({@link AttemptLog}), or null for none. */
    @Column(name = "ATTEMPT_LOG")
    String attemptLog;

    /** @param codec encodes the checkpoint's value when the record carries no payload */
    static StepCheckpointEntity from(CheckpointRecord c, PayloadCodec codec) {
        Payload p = c.payload(codec);
        StepCheckpointEntity e = new StepCheckpointEntity();
        e.id = key(c.flowId(), c.position());
        e.flowId = c.flowId();
        e.position = c.position();
        e.label = c.label();
        e.kind = c.kind();
        e.outputType = p.type();
        e.outputJson = p.json();
        e.attempts = c.attempts();
        e.fallback = c.fallback();
        e.completedAt = c.completedAt();
        e.startedAt = c.startedAt();
        e.attemptLog = AttemptLog.write(c.failures());
        return e;
    }

    /** @return the checkpoint with its output as stored (no decoded value) */
    CheckpointRecord toRecord() {
        return new CheckpointRecord(
                flowId,
                position,
                label,
                kind,
                null,
                new Payload(outputType, outputJson),
                attempts,
                fallback,
                completedAt,
                startedAt,
                AttemptLog.read(attemptLog, "step " + position + " (" + label + ") of run " + flowId));
    }

    static String key(String flowId, int position) {
        return flowId + ":" + position;
    }
}
