package io.crux.sample;

import java.math.BigDecimal;

/** The outcome of an expense claim. */
public record Decision(String outcome, BigDecimal amountInEur, String decidedBy, String paymentReference) {

    public static Decision approved(BigDecimal amountInEur, String by, String reference) {
        return new Decision("APPROVED", amountInEur, by, reference);
    }

    public static Decision rejected(BigDecimal amountInEur, String by) {
        return new Decision("REJECTED", amountInEur, by, null);
    }
}
