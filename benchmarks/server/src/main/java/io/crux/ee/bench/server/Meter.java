package io.crux.ee.bench.server;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Sums of wall-clock and thread CPU time over a number of operations. Thread-safe.
 * Thread CPU time counts only the Java side (the database's own work and the waits for it are not
 * in it), so it shows client overhead even when the machine is noisy.
 */
final class Meter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private long wallNs;
    private long cpuNs;
    private long count;

    /** @return the current thread's CPU time in ns, or 0 if the JVM cannot tell */
    static long cpuNow() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0L;
    }

    synchronized void add(long wall, long cpu, long operations) {
        wallNs += wall;
        cpuNs += cpu;
        count += operations;
    }

    /** @return {wall ns, cpu ns, operations} since the last call, and starts over */
    synchronized long[] take() {
        long[] r = {wallNs, cpuNs, count};
        wallNs = 0;
        cpuNs = 0;
        count = 0;
        return r;
    }
}
