package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

import io.crux.ee.spi.CheckpointKind;

/** A completed step, signal or wait at its position in a run; the key makes a position unique. */
@Entity
@Table(name = "CRUX_STEP", indexes = @Index(name = "CRUX_STEP_RUN", columnList = "FLOW_ID, POSITION"))
public class StepCheckpointEntity extends VersionedRow {

    @Id
    @Column(name = "ID", length = 140)
    String id;

    @Column(name = "FLOW_ID", length = 128, nullable = false)
    String flowId;

    @Column(name = "POSITION", nullable = false)
    int position;

    @Column(name = "LABEL", length = 200, nullable = false)
    String label;

    @Enumerated(EnumType.STRING)
    @Column(name = "KIND", length = 16, nullable = false)
    CheckpointKind kind;

    @Column(name = "OUTPUT_TYPE", length = 400)
    String outputType;

    @Lob
    @Column(name = "OUTPUT_JSON")
    String outputJson;

    @Column(name = "ATTEMPTS", nullable = false)
    int attempts;

    @Column(name = "FALLBACK", nullable = false)
    boolean fallback;

    @Convert(converter = InstantConverter.class)
    @Column(name = "COMPLETED_AT", nullable = false)
    Instant completedAt;

    static String key(String flowId, int position) {
        return flowId + ":" + position;
    }
}
