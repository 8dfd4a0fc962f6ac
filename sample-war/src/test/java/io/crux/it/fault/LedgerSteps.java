package io.crux.it.fault;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Run {@code count} steps {@code t1, t2, …}, each writing one ledger row ({@link TxLedger}) and then
 * holding its thread {@code pauseMillis} before it returns; {@code transactional} chooses
 * {@code StepOptions.transactional()} or the default options.
 */
public record LedgerSteps(
        @Min(1) @Max(50) int count,
        boolean transactional,
        @Min(0) @Max(1000) int pauseMillis) {

    /** @return {@code transactional} or {@code plain}, as the ledger records it */
    public String mode() {
        return transactional ? "transactional" : "plain";
    }
}
