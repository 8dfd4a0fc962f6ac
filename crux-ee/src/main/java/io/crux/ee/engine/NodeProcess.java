package io.crux.ee.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.crux.ee.spi.NodeRecord;

/**
 * The process an engine runs in, as its node id's row records it: with it, a server that starts on
 * the same machine can tell whether the process that held the id before has ended (a crash, a
 * {@code kill -9}) and take the id over at once, rather than wait for the hold to go stale.
 *
 * <p>What tells a process is Linux's own: the boot id, the pid namespace and a process's start in
 * clock ticks since boot ({@code /proc/<pid>/stat}, field 22), which no change of the wall clock
 * moves (the JDK's {@code ProcessHandle.Info.startInstant} adds the boot time as each JVM read it,
 * so two JVMs started on either side of a clock step disagree). Elsewhere nothing is known, and a
 * server waits for the hold to go stale.
 *
 * @param host this host's name
 * @param machine this machine's boot id and this process's pid namespace; empty where the platform
 *     does not tell them (then no process of another is ever known to have ended)
 * @param pid this process's id
 * @param started when this process started, in clock ticks since boot (0 if unknown)
 */
record NodeProcess(String host, String machine, long pid, long started) {

    private static final Path PROC = Path.of("/proc");

    /** @return the process this JVM is */
    static NodeProcess current() {
        long pid = ProcessHandle.current().pid();
        return new NodeProcess(EngineSettings.hostName(), thisMachine(), pid, startTicks(pid));
    }

    /**
     * @param holder the holder of a node id, as read
     * @return whether the holder's process is known to have ended: it ran on this machine, in this
     *     boot and pid namespace, and no process with its id and start runs here now. A process of
     *     another machine, container or boot is never known to have ended; nor is one when this
     *     platform does not tell a process's start, or hides other users' processes.
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
            return holder.processStarted() != started;
        }
        if (!Files.isReadable(PROC.resolve("1").resolve("stat"))) { // hidepid: an absent process says nothing
            return false;
        }
        long ticks = startTicks(holder.pid());
        return ticks == 0 || ticks != holder.processStarted(); // gone, or its id went to another process
    }

    /**
     * @param pid a process id
     * @return the process's start in clock ticks since boot, or 0 if no such process runs (or the
     *     platform does not tell)
     */
    static long startTicks(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so count from the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]); // field 22 of the whole line
        } catch (IOException | RuntimeException e) { // no such process (NoSuchFileException), or no /proc
            return 0;
        }
    }

    /** @return the boot id and the pid namespace, or empty off Linux */
    private static String thisMachine() {
        try {
            String boot =
                    Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
            String namespace =
                    Files.readSymbolicLink(PROC.resolve("self/ns/pid")).toString();
            return boot + " " + namespace;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return "";
        }
    }
}
