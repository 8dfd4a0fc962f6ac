package io.crux.ee.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import io.crux.ee.spi.NodeRecord;

/**
 * The process an engine runs in, as its node id's row records it: with it, a server that starts on
 * the same machine can tell whether the process that held the id before has ended (a crash, a
 * {@code kill -9}) and take the id over at once, rather than wait for the hold to go stale.
 *
 * @param host this host's name
 * @param machine what tells this machine's processes apart from any other's: the Linux boot id and
 *     this process's pid namespace; empty where the platform does not tell them (then no process of
 *     another is ever known to have ended)
 * @param pid this process's id
 * @param started when this process started, in epoch milliseconds (0 if unknown)
 */
record NodeProcess(String host, String machine, long pid, long started) {

    /**
     * How far two readings of one process's start may differ: the JDK derives it from the boot time
     * and the process's start in clock ticks.
     */
    private static final long START_TOLERANCE_MILLIS = 1_000;

    /** @return the process this JVM is */
    static NodeProcess current() {
        ProcessHandle self = ProcessHandle.current();
        return new NodeProcess(hostName(), thisMachine(), self.pid(), startOf(self));
    }

    /**
     * @param holder the holder of a node id, as read
     * @return whether the holder's process is known to have ended: it ran on this machine, in this
     *     pid namespace, and no process with its id and start runs here now. A process of another
     *     machine, container or boot is never known to have ended; nor is one when this platform does
     *     not tell a process's start, or hides other users' processes.
     */
    boolean outlived(NodeRecord holder) {
        if (machine.isEmpty()
                || !machine.equals(holder.machine())
                || !host.equals(holder.host())
                || holder.processStarted() == 0
                || started == 0) {
            return false;
        }
        if (holder.pid() == pid) { // this process has the holder's id now: the holder ended unless it is this one
            return !sameStart(started, holder.processStarted());
        }
        if (ProcessHandle.of(1).isEmpty()) { // /proc hides other users' processes (hidepid): absence says nothing
            return false;
        }
        return ProcessHandle.of(holder.pid())
                .map(p -> {
                    long s = startOf(p);
                    return s != 0 && !sameStart(s, holder.processStarted()); // its id went to another process
                })
                .orElse(true);
    }

    private static boolean sameStart(long a, long b) {
        return Math.abs(a - b) <= START_TOLERANCE_MILLIS;
    }

    private static long startOf(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** @return the boot id and the pid namespace, or empty off Linux */
    private static String thisMachine() {
        try {
            String boot =
                    Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            String namespace =
                    Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return boot + " " + namespace;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
