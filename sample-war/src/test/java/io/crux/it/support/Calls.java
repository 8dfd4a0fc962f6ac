package io.crux.it.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

/** Counts calls by name inside the server, so tests can assert how often code really ran. */
@ApplicationScoped
public class Calls {

    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /**
     * @param name what was called
     * @return the count after this call
     */
    public int hit(String name) {
        return counts.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @param name what was called
     * @return how often it was called
     */
    public int count(String name) {
        AtomicInteger n = counts.get(name);
        return n == null ? 0 : n.get();
    }
}
