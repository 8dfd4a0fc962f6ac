package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The connections of a store's autocommitted writes, each kept by the thread that wrote with it for
 * a moment after the write, so that a run's next write there (its next checkpoint, its end) uses it
 * again instead of asking the pool. A connection that its thread has not used again for the keep
 * time goes back to the pool, closed by a sweep on the container's scheduled executor: a thread
 * whose step body runs longer than that holds no connection meanwhile.
 *
 * <p>Written here, not left to the pool, because of what it measured (BENCHMARKS.md, section 7):
 * handing out and taking back an unshareable connection costs a server like Liberty about a fifth of
 * a checkpoint's CPU (its connection manager, the handle's bookkeeping, the pool's metrics), and a
 * shareable connection, which the container would keep with the thread, stays with it until the
 * task ends, through step bodies of minutes. No server's pool offers a connection that stays with a
 * thread only while it keeps writing.
 */
final class KeptConnections implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KeptConnections.class.getName());

    /** How long a connection stays with its thread after its last write. */
    static final Duration KEEP = Duration.ofMillis(5);

    private record Kept(Connection connection, long since) {}

    private final DataSource source;
    private final ScheduledExecutorService sweeper;
    private final long keepNanos;
    private final LongSupplier nanoTime;
    private final Map<Thread, Kept> kept = new ConcurrentHashMap<>();
    private final AtomicBoolean sweepPending = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param source where connections come from; each one's {@code close()} gives it back
     * @param sweeper runs the sweeps; null keeps no connection (each write takes one and gives it back)
     */
    KeptConnections(DataSource source, ScheduledExecutorService sweeper) {
        this(source, sweeper, KEEP, System::nanoTime);
    }

    KeptConnections(DataSource source, ScheduledExecutorService sweeper, Duration keep, LongSupplier nanoTime) {
        this.source = source;
        this.sweeper = sweeper;
        this.keepNanos = keep.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Runs {@code work} on this thread's kept connection, or on a new one from the source, and keeps
     * the connection with the thread afterwards. A connection whose work failed is closed, not kept:
     * it may be broken.
     */
    <T> T run(UnitConnection.Work<T> work) throws SQLException {
        Thread thread = Thread.currentThread();
        Connection c = usable(kept.remove(thread));
        boolean fresh = c == null;
        if (fresh) {
            c = source.getConnection();
        }
        T result;
        try {
            if (fresh) {
                c.setAutoCommit(true);
            }
            result = work.run(c);
        } catch (SQLException | RuntimeException | Error e) {
            closeQuietly(c, e);
            throw e;
        }
        keep(thread, c);
        return result;
    }

    /** @return the connection of a kept one, or null if there is none or it cannot be used (closed meanwhile) */
    private static Connection usable(Kept k) {
        if (k == null) {
            return null;
        }
        try {
            if (!k.connection().isClosed()) {
                return k.connection();
            }
        } catch (SQLException e) {
            closeQuietly(k.connection(), null);
        }
        return null;
    }

    private void keep(Thread thread, Connection c) {
        if (sweeper == null || closed) {
            closeQuietly(c, null); // the write is done: a failed close is not its failure
            return;
        }
        Kept displaced = kept.put(thread, new Kept(c, nanoTime.getAsLong()));
        if (displaced != null) { // kept by a write that ran inside this one's work
            closeQuietly(displaced.connection(), null);
        }
        if (closed || !sweepLater()) { // closed meanwhile (the close may have missed it), or nothing would sweep it
            release(thread);
        }
    }

    /** @return whether a sweep is pending: scheduled now, or before */
    private boolean sweepLater() {
        if (!sweepPending.compareAndSet(false, true)) {
            return true;
        }
        try {
            sweeper.schedule(this::sweep, keepNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RuntimeException e) { // refused: the application is stopping, or this thread cannot schedule
            sweepPending.set(false);
            LOG.log(Level.FINE, "no sweep of kept connections could be scheduled; none is kept", e);
            return false;
        }
    }

    /** Gives back every connection not used for the keep time; schedules the next sweep while any is kept. */
    void sweep() {
        long now = nanoTime.getAsLong();
        kept.forEach((thread, k) -> {
            if (now - k.since() >= keepNanos && kept.remove(thread, k)) {
                closeQuietly(k.connection(), null);
            }
        });
        sweepPending.set(false);
        if (!kept.isEmpty() && !sweepLater()) {
            kept.keySet().forEach(this::release);
        }
    }

    /** @return how many connections are kept now */
    int size() {
        return kept.size();
    }

    private void release(Thread thread) {
        Kept k = kept.remove(thread);
        if (k != null) {
            closeQuietly(k.connection(), null);
        }
    }

    /** Gives back every kept connection, and keeps none from now on. */
    @Override
    public void close() {
        closed = true;
        kept.keySet().forEach(this::release);
    }

    private static void closeQuietly(Connection c, Throwable pending) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            if (pending != null) {
                pending.addSuppressed(e);
            } else {
                LOG.log(Level.FINE, "a kept connection could not be closed", e);
            }
        }
    }
}
