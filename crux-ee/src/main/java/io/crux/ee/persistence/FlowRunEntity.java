package io.crux.ee.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.ConstraintMode;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.ForeignKey;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.crux.ee.api.FlowStatus;

/** A run: written at start, at suspension, at claim and at the end; never per step. */
@Entity
@Table(name = "CRUX_FLOW_RUN", indexes = {
    @Index(name = "CRUX_FLOW_RUN_STATUS", columnList = "STATUS, LEASE_UNTIL"),
    @Index(name = "CRUX_FLOW_RUN_FLOW", columnList = "FLOW_NAME, CREATED_AT")
})
public class FlowRunEntity extends TimestampedRow {

    @Id
    @Column(name = "ID", length = 128)
    String id;

    @Column(name = "FLOW_NAME", length = 200, nullable = false)
    String flowName;

    @Column(name = "ACTION_NAME", length = 200, nullable = false)
    String action;

    @Enumerated(EnumType.STRING)
    @Column(name = "STATUS", length = 16, nullable = false)
    FlowStatus status;

    @Column(name = "PARENT_ID", length = 128)
    String parentId;

    @Column(name = "SESSION_ID", length = 128)
    String sessionId;

    @Column(name = "USER_ID", length = 128)
    String userId;

    @Column(name = "PROJECT_ID", length = 128)
    String projectId;

    @Column(name = "EVENTS", nullable = false)
    boolean events;

    @Column(name = "INPUT_TYPE", length = 400)
    String inputType;

    @Lob
    @Column(name = "INPUT_JSON")
    String inputJson;

    @Column(name = "OUTPUT_TYPE", length = 400)
    String outputType;

    @Lob
    @Column(name = "OUTPUT_JSON")
    String outputJson;

    @Column(name = "ERROR", length = 4000)
    String error;

    @ManyToOne(fetch = FetchType.EAGER)
    @JoinColumn(name = "SUSPENSION_ID", foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
    SuspensionEntity suspension;

    @Column(name = "OWNER", length = 200)
    String owner;

    @Convert(converter = InstantConverter.class)
    @Column(name = "LEASE_UNTIL")
    Instant leaseUntil;
}
