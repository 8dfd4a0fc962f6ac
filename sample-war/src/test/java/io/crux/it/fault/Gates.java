package io.crux.it.fault;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

/** One gate per run that a step body waits at until the test opens it (bounded, so a lost test never hangs a thread). */
@ApplicationScoped
public class Gates {

    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

    /**
     * Waits until {@link #open(String)} for the run, at most three minutes.
     *
     * @param runId the run
     */
    public void await(String runId) {
        try {
            if (!gate(runId).await(3, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the gate of " + runId + " was never opened");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @param runId the run whose step may go on */
    public void open(String runId) {
        gate(runId).countDown();
    }

    private CountDownLatch gate(String runId) {
        return gates.computeIfAbsent(runId, k -> new CountDownLatch(1));
    }
}
