package io.crux.it.ft;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import io.crux.it.support.Calls;

/** A remote service stand-in guarded by MicroProfile Fault Tolerance, called from flow steps. */
@ApplicationScoped
public class InventoryClient {

    @Inject
    Calls calls;

    /** Fails four times; only the MicroProfile Config override (maxRetries=4) lets it succeed. */
    @Retry(maxRetries = 1, delay = 0, jitter = 0)
    public String reserve(String sku) {
        if (calls.hit("reserve") <= 4) {
            throw new IllegalStateException("inventory busy");
        }
        return "reserved " + sku;
    }

    @Fallback(fallbackMethod = "listPrice")
    public BigDecimal price(String sku) {
        calls.hit("price");
        throw new IllegalStateException("pricing down");
    }

    public BigDecimal listPrice(String sku) {
        calls.hit("listPrice");
        return new BigDecimal("9.99");
    }

    /** Never answers; the 200 ms timeout interrupts it. */
    @Timeout(200)
    public String stuck() throws InterruptedException {
        calls.hit("stuck");
        new CountDownLatch(1).await();
        return "never";
    }

    /** Always fails; after four failures the circuit opens and calls stop reaching it. */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 1, delayUnit = ChronoUnit.HOURS)
    public String fragile() {
        calls.hit("fragile");
        throw new IllegalStateException("fragile failed");
    }
}
