package io.crux.ee.engine;

import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowStateException;
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
    private final NodeProcess process;
    private final NodeRecord me;
    private volatile boolean held;
    private volatile boolean closed;
    /** Why the last look found the id another's, until a look finds it this engine's. */
    private volatile NodeIdInUseException refusal;
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
                process.machine(),
                process.pid(),
                process.started(),
                0,
                null);
    }

    /**
     * Renews this engine's hold of its node id, or takes the id when it is free, stale, or its
     * holder's process has ended.
     *
     * @param onLost what to do, given the message that says so, when this engine held the id until
     *     now and another server took it
     * @throws NodeIdInUseException if another live server holds it
     * @throws FlowStateException if the engine closed: a pass that was running then stops here
     */
    synchronized void hold(Consumer<String> onLost) {
        refuseIfClosed();
        NodeRecord holder = holdOnce();
        if (!holder.sameHolder(me) && process.outlived(holder) && store.takeNode(me, holder)) {
            LOG.info(Messages.nodeIdOfEndedProcess(me.nodeId(), holder.host(), holder.pid()));
            holder = me;
        }
        if (holder.sameHolder(me)) {
            held = true;
            refusal = null;
            warnedOf = null;
            return;
        }
        boolean lost = held;
        held = false;
        NodeIdInUseException e = new NodeIdInUseException(Messages.nodeIdInUse(
                me.nodeId(), holder.host(), holder.pid(), holder.seenAt(), settings.leaseDuration()));
        refusal = e;
        if (lost) {
            String message = Messages.nodeIdLost(me.nodeId(), holder.host(), holder.pid());
            LOG.severe(message);
            onLost.accept(message);
        } else if (!Objects.equals(holder.incarnation(), warnedOf)) {
            LOG.warning(e.getMessage());
        }
        warnedOf = holder.incarnation();
        throw e;
    }

    /** The store's hold, once more if another server inserted the id's first row at the same moment. */
    private NodeRecord holdOnce() {
        try {
            return store.holdNode(me, settings.leaseDuration());
        } catch (FlowConflictException raced) {
            return store.holdNode(me, settings.leaseDuration());
        }
    }

    /**
     * Before this engine writes a run under its node id (starts, resumes or takes over one): takes
     * the id if this engine has not looked yet (a first run may come before the first maintenance
     * pass); after a refusal, refuses again at once until a maintenance pass finds the id free.
     *
     * @throws NodeIdInUseException if another live server holds it
     * @throws FlowStateException if the engine closed
     */
    void requireHeld() {
        refuseIfClosed();
        if (held) {
            return;
        }
        NodeIdInUseException refused = refusal;
        if (refused != null) {
            throw new NodeIdInUseException(refused.getMessage());
        }
        hold(lost -> {});
    }

    private void refuseIfClosed() {
        if (closed) {
            throw new FlowStateException(Messages.engineClosed(), null, null);
        }
    }

    /**
     * Closes the guard and gives the id up, so that a server that starts next with it takes it at
     * once; best effort. Not while this engine's durable runs still execute: their step bodies may
     * still write, so the hold is left to go stale instead (one {@code crux.lease-duration}).
     *
     * @param executing whether durable runs still execute here, or are being claimed
     */
    synchronized void close(boolean executing) {
        closed = true;
        if (!held) {
            return;
        }
        held = false;
        if (executing) {
            LOG.fine(() -> "node id " + me.nodeId() + " kept until it goes stale: runs still execute here");
            return;
        }
        try {
            store.releaseNode(me.nodeId(), me.incarnation());
        } catch (RuntimeException e) { // the store may be gone with the application: the hold goes stale
            LOG.log(Level.FINE, e, () -> "node id " + me.nodeId() + " not released: " + e.getMessage());
        }
    }
}
