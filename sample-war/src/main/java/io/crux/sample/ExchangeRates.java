package io.crux.sample;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * A stand-in for a remote exchange-rate service that is flaky: every other call fails with a
 * transient error, which the flow's step retries. It knows a few currencies; others fail for good,
 * and the step's fallback takes over.
 */
@ApplicationScoped
public class ExchangeRates {

    private static final Map<String, BigDecimal> EUR_PER_UNIT = Map.of(
            "EUR", BigDecimal.ONE,
            "USD", new BigDecimal("0.92"),
            "GBP", new BigDecimal("1.17"),
            "CHF", new BigDecimal("1.05"));

    private final AtomicInteger calls = new AtomicInteger();

    /**
     * @param amount an amount
     * @param currency its currency
     * @return the amount in EUR
     * @throws IllegalStateException on a transient outage (every other call)
     * @throws IllegalArgumentException for an unknown currency
     */
    public BigDecimal toEur(BigDecimal amount, String currency) {
        if (calls.incrementAndGet() % 2 == 1) {
            throw new IllegalStateException("rate service temporarily unavailable (HTTP 503)");
        }
        BigDecimal rate = EUR_PER_UNIT.get(currency);
        if (rate == null) {
            throw new IllegalArgumentException("no rate for " + currency);
        }
        return amount.multiply(rate).setScale(2, RoundingMode.HALF_EVEN);
    }
}
