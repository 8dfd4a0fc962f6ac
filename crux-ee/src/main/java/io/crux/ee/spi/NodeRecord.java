package io.crux.ee.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Which server holds a node id ({@code crux.node-id}) now: one engine, from its start to its close,
 * so that two live servers never execute runs under one id.
 *
 * @param nodeId the node id
 * @param incarnation the engine that holds it: a random id of each engine, or {@code null} when the
 *     last holder released it as it closed
 * @param host the host name of the holder's server
 * @param machine what tells the holder's machine, boot and pid namespace apart from others' (on
 *     Linux its boot id and pid namespace), or empty
 * @param pid the process id of the holder's server
 * @param processStarted when the holder's process started, in clock ticks since its machine's boot
 *     (0 if unknown): with the pid, it tells whether that process still runs
 * @param beats how often the row was written; each write adds one, so that a change of hands can
 *     be made only by someone who saw the last write
 * @param seenAt when the holder last renewed its hold, on the database's clock; {@code null} for a
 *     record not read from the store
 */
public record NodeRecord(
        String nodeId,
        String incarnation,
        String host,
        String machine,
        long pid,
        long processStarted,
        long beats,
        Instant seenAt) {

    /** Checks the id. */
    public NodeRecord {
        Objects.requireNonNull(nodeId, "nodeId");
        machine = machine == null ? "" : machine;
    }

    /**
     * @param now the time of the look, on the clock that wrote {@link #seenAt()}
     * @param staleAfter how long a holder that stopped renewing keeps the id
     * @return whether another engine may take the id: it was released, or not renewed for {@code staleAfter}
     */
    public boolean free(Instant now, Duration staleAfter) {
        return incarnation == null || seenAt.plus(staleAfter).isBefore(now);
    }

    /**
     * @param other another record
     * @return whether both name the same holder (the same engine)
     */
    public boolean sameHolder(NodeRecord other) {
        return incarnation != null && incarnation.equals(other.incarnation());
    }
}
