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
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;

/** A run: written at start, at suspension, at claim and at the end; never per step. */
@Entity
@Table(
        name = "CRUX_FLOW_RUN",
        indexes = {
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

    @Column(name = "INPUT_JSON")
    String inputJson;

    @Column(name = "OUTPUT_TYPE", length = 400)
    String outputType;

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

    @Column(name = "TRACE_PARENT", length = 128)
    String traceParent;

    /**
     * A new row for a run being created: what the record says of the run, its input and its first
     * status; output, error and suspension come with later writes.
     *
     * @param leaseUntil the record's lease end on the database's clock
     */
    static FlowRunEntity created(RunRecord run, Instant leaseUntil) {
        FlowRunEntity e = new FlowRunEntity();
        e.id = run.flowId();
        e.flowName = run.flowName();
        e.action = run.action();
        e.parentId = run.parentFlowId();
        e.sessionId = run.sessionId();
        e.userId = run.userId();
        e.projectId = run.projectId();
        e.events = run.events();
        e.inputType = run.input().type();
        e.inputJson = run.input().json();
        e.createdAt = run.createdAt();
        e.traceParent = run.traceParent();
        e.moveTo(run.status(), run.owner(), leaseUntil, run.updatedAt());
        return e;
    }

    /** Sets the run's status, who holds it until when, and when it changed. */
    void moveTo(FlowStatus status, String owner, Instant leaseUntil, Instant at) {
        this.status = status;
        this.owner = owner;
        this.leaseUntil = leaseUntil;
        this.updatedAt = at;
    }

    /** @return the run with its suspension, as the store hands it out */
    RunRecord toRecord() {
        return new RunRecord(
                id,
                flowName,
                action,
                status,
                parentId,
                sessionId,
                userId,
                projectId,
                events,
                new Payload(inputType, inputJson),
                outputType == null ? null : new Payload(outputType, outputJson),
                error,
                suspension == null ? null : suspension.toRecord(),
                owner,
                leaseUntil,
                createdAt,
                updatedAt,
                version,
                traceParent);
    }
}
