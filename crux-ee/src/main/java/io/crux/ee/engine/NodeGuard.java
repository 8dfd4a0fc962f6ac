package io.crux.ee.engine;

import java.util.Objects;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.exception.NodeIdInUseException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.NodeRecord;

/**
 * Keeps this engine's node id its own while it runs: holds the id in the store (renewed by every
 * maintenance pass, given up at close), and refuses durable work while another live server holds
 * it, since a server takes over the runs held under its own id and two servers of one id would
 * execute each other's runs.
 */
final class NodeGuard {

    private static final Logger LOG = Logger.getLogger(NodeGuard.class.getName());

    private final FlowStore store;
    private final EngineSettings settings;
    private final NodeRecord me;
    private final NodeProcess process;
    private volatile boolean held;
    /** The other holder this engine last warned of, so that a refusal is logged once per holder. */
    private volatile String warnedOf;

    NodeGuard(FlowStore store, EngineSettings settings, NodeProcess process) {
        this.store = store;
        this.settings = settings;
        this.process = process;
        this.me = new NodeRecord(
                settings.nodeId(),
                UUID.randomUUID().toString(),
                process.host(),
                process.pid(),
                process.started(),
                0,
                null);
    }

    /** @return whether this engine held its node id at the last look */
    boolean held() {
        return held;
    }

    /**
     * Renews this engine's hold of its node id, or takes the id when it is free or its holder's
     * process has ended.
     *
     * @throws NodeIdInUseException if another live server holds it
     */
    synchronized void hold() {
        NodeRecord holder = store.holdNode(me, settings.leaseDuration());
        if (!holder.sameHolder(me) && process.outlived(holder) && store.takeNode(me, holder)) {
            LOG.info(Messages.nodeIdOfEndedProcess(me.nodeId(), holder.host(), holder.pid()));
            holder = me;
        }
        if (holder.sameHolder(me)) {
            held = true;
            warnedOf = null;
            return;
        }
        boolean lost = held;
        held = false;
        String message = Messages.nodeIdInUse(
                me.nodeId(), holder.host(), holder.pid(), holder.seenAt(), settings.leaseDuration());
        if (lost) {
            LOG.severe(Messages.nodeIdLost(me.nodeId(), holder.host(), holder.pid()));
        } else if (!Objects.equals(holder.incarnation(), warnedOf)) {
            LOG.warning(message);
        }
        warnedOf = holder.incarnation();
        throw new NodeIdInUseException(message);
    }

    /**
     * Before this engine writes a run under its node id (starts, resumes or takes over one): holds
     * the id first if it does not already (the first run may come before the first maintenance pass).
     *
     * @throws NodeIdInUseException if another live server holds it
     */
    void requireHeld() {
        if (!held) {
            hold();
        }
    }

    /** Gives the id up, so that a server that starts next with it takes it at once; best effort. */
    void release() {
        if (!held) {
            return;
        }
        held = false;
        try {
            store.releaseNode(me.nodeId(), me.incarnation());
        } catch (RuntimeException e) { // the store may be gone with the application: the hold goes stale
            LOG.log(Level.FINE, e, () -> "node id " + me.nodeId() + " not released: " + e.getMessage());
        }
    }
}
