package io.crux.ee.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

import io.crux.ee.spi.NodeRecord;

/**
 * The process an engine runs in, as its node id's row records it: with it, a server that starts on
 * the same host can tell whether the process that held the id before has ended (a crash, a
 * {@code kill -9}) and take the id over at once, rather than wait for the hold to go stale.
 *
 * @param host this host's name
 * @param pid this process's id
 * @param started when this process started, in epoch milliseconds (0 if unknown)
 */
record NodeProcess(String host, long pid, long started) {

    /** @return the process this JVM is */
    static NodeProcess current() {
        ProcessHandle self = ProcessHandle.current();
        return new NodeProcess(hostName(), self.pid(), startOf(self));
    }

    /**
     * @param holder the holder of a node id, as read
     * @return whether the holder's process is known to have ended: it ran on this host, and no
     *     process with its id and start time runs here now. Another host's process is never known to
     *     have ended; nor is one whose start time this platform does not tell.
     */
    boolean outlived(NodeRecord holder) {
        if (!host.equals(holder.host()) || holder.processStarted() == 0) {
            return false;
        }
        if (holder.pid() == pid) { // this process has its id now: the holder's ended unless it is this one
            return holder.processStarted() != started;
        }
        return ProcessHandle.of(holder.pid())
                .map(p -> {
                    long s = startOf(p);
                    return s != 0 && s != holder.processStarted(); // its id was given to another process since
                })
                .orElse(true);
    }

    private static long startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }
}
