package io.crux.sample;

import java.math.BigDecimal;

/** The result of the policy step: does the claim need a manager? */
public record PolicyCheck(boolean needsApproval, String reason) {

    static final BigDecimal AUTO_APPROVE_LIMIT_EUR = new BigDecimal("50");
}
