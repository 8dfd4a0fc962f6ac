package io.crux.sample;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One side effect of a step, so that anyone can count how often each step really ran. */
@Entity
@Table(name = "SAMPLE_AUDIT")
public class AuditEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    @Column(name = "ID", length = 36)
    String id;

    @Column(name = "RUN_ID", length = 128, nullable = false)
    String runId;

    @Column(name = "STEP", length = 80, nullable = false)
    String step;

    @Column(name = "DETAIL", length = 500)
    String detail;

    @Column(name = "AT", nullable = false)
    Instant at;

    protected AuditEntry() {}

    AuditEntry(String runId, String step, String detail) {
        this.runId = runId;
        this.step = step;
        this.detail = detail;
        this.at = Instant.now();
    }

    public String getRunId() {
        return runId;
    }

    public String getStep() {
        return step;
    }

    public String getDetail() {
        return detail;
    }
}
