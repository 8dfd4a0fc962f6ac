package io.crux.it.cancel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import jakarta.enterprise.context.ApplicationScoped;

/** Named latches shared by flows and tests inside the server. */
@ApplicationScoped
public class Gates {

    private final Map<String, CountDownLatch> latches = new ConcurrentHashMap<>();

    /** @return the latch of that name, created open-once */
    public CountDownLatch get(String name) {
        return latches.computeIfAbsent(name, k -> new CountDownLatch(1));
    }
}
