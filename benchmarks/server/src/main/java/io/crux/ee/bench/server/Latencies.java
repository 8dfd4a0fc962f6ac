package io.crux.ee.bench.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Latencies in ns collected from many threads, each adding an array of its own at a time (one lock
 * per array, not per value). Thread-safe.
 */
public final class Latencies {

    private final List<long[]> parts = new ArrayList<>();

    /** Adds the first {@code n} values of {@code ns}. */
    public synchronized void add(long[] ns, int n) {
        parts.add(n == ns.length ? ns : Arrays.copyOf(ns, n));
    }

    /** @return every value added since the last call, sorted, and starts over */
    public synchronized long[] take() {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        parts.clear();
        Arrays.sort(all);
        return all;
    }

    /** @return the q-quantile (0..1) of sorted values, in µs, or 0 if there are none */
    public static double quantileUs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[i] / 1000.0;
    }
}
