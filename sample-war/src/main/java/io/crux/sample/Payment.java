package io.crux.sample;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A payment booked for an approved claim: the row the expense flow's transactional step writes
 * together with its checkpoint, so that there is one per claim whatever crashes.
 */
@Entity
@Table(name = "SAMPLE_PAYMENT")
public class Payment {

    /** The payment's reference, derived from the step's idempotency key. */
    @Id
    @Column(name = "REFERENCE", length = 40)
    String reference;

    @Column(name = "RUN_ID", length = 128, nullable = false)
    String runId;

    @Column(name = "EMPLOYEE", length = 200, nullable = false)
    String employee;

    @Column(name = "AMOUNT_EUR", precision = 19, scale = 4, nullable = false)
    BigDecimal amountEur;

    @Column(name = "BOOKED_AT", nullable = false)
    Instant bookedAt;

    protected Payment() {}

    Payment(String reference, String runId, String employee, BigDecimal amountEur) {
        this.reference = reference;
        this.runId = runId;
        this.employee = employee;
        this.amountEur = amountEur;
        this.bookedAt = Instant.now();
    }

    public String getReference() {
        return reference;
    }

    public String getRunId() {
        return runId;
    }

    public BigDecimal getAmountEur() {
        return amountEur;
    }
}
