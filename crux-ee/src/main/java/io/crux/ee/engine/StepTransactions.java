package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.StepTransaction;

/**
 * The transaction of a transactional step's attempt, for one run: begins it, writes the step's
 * checkpoint and events in it and commits, or rolls it back, telling the store's failures (no retry
 * policy applies) from the attempt's own.
 */
final class StepTransactions {

    private static final Logger LOG = Logger.getLogger(StepTransactions.class.getName());

    private final String flowId;
    private final EngineServices services;
    private final CheckpointJournal journal;
    /** The run's outbox, or null when the run is not durable. */
    private final RequestEvents events;

    StepTransactions(String flowId, EngineServices services, CheckpointJournal journal, RequestEvents events) {
        this.flowId = flowId;
        this.services = services;
        this.journal = journal;
        this.events = events;
    }

    /**
     * Writes a transactional step's checkpoint (and, for an outermost step of a run with a stream,
     * the items and events it gathered) in the attempt's transaction, and commits it. A refused
     * write comes out as {@link CheckpointNotWritten}; a commit that the transaction manager turned
     * into a rollback as the attempt's failure, for the retry policy; a commit whose outcome is
     * unknown leaves the run to recovery, which finds the checkpoint or runs the step again.
     *
     * @return the events written, to publish; {@code null} when the step wrote none of its own
     */
    List<EventRecord> commitStep(
            StepTransaction tx,
            Frame f,
            int pos,
            String label,
            Object value,
            int attempt,
            Instant started,
            List<AttemptFailure> log)
            throws Exception {
        if (f.stepDepth > 1 || events == null) {
            write(() -> {
                journal.record(pos, label, CheckpointKind.STEP, value, attempt, false, started, log);
                return null;
            });
            commit(tx, label, attempt);
            return null;
        }
        RequestEvents.StepWrite once = events.stepWrite();
        try {
            return events.inOrder(() -> {
                try {
                    List<EventRecord> written = write(
                            () -> journal.record(pos, label, value, attempt, started, log, once::write, once::written));
                    commit(tx, label, attempt);
                    return written;
                } catch (Throwable failed) {
                    f.eventsTaken = once.took();
                    // ended before the commits lock is released: the numbers given back are read
                    // from what is committed, and no other write of the run commits in between
                    rollback(tx);
                    if (failed instanceof RuntimeException e) {
                        throw e;
                    }
                    if (failed instanceof Error e) {
                        throw e;
                    }
                    throw new CommitFailed((Exception) failed);
                }
            });
        } catch (CommitFailed e) {
            throw (Exception) e.getCause();
        } catch (CheckpointNotWritten e) {
            if (once.took()) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step " + label, e.getCause()), e.getCause());
            }
            throw e;
        }
    }

    /**
     * Runs a checkpoint write; a failure of it is the store's, marked so that no retry policy
     * applies, unless the attempt's own statements spoilt the transaction: that is the attempt's.
     */
    private static <T> T write(java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            if (TransientFailures.isSpoiltTransaction(e)) {
                throw e;
            }
            throw new CheckpointNotWritten(e);
        }
    }

    /**
     * Begins a transactional attempt's transaction. A store that cannot is the store's failure, not
     * the attempt's: no retry policy or fallback applies to it.
     */
    StepTransaction begin(StepOptions<?> options) {
        try {
            return services.store().beginStep(options.timeout());
        } catch (RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw new Interrupt.LeaveForRecovery(e);
            }
            throw new CheckpointNotWritten(e);
        }
    }

    /** Rolls back; a store that fails to is logged, and the attempt's own failure goes on. */
    void rollback(StepTransaction tx) {
        try {
            tx.rollback();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e, () -> "rolling back a transactional step of run " + flowId + " failed");
        }
    }

    /**
     * A transactional attempt that failed after its timeout failed because of it: the transaction
     * manager rolled back its transaction, and its next statement failed with the provider's error.
     */
    static Throwable overTime(Throwable failure, String label, Duration timeout, int attempt, long began) {
        if (timeout == null
                || failure instanceof TimeoutException
                || Interrupt.find(failure) != null
                || failure instanceof CheckpointNotWritten
                || System.nanoTime() - began <= timeout.toNanos()) {
            return failure;
        }
        TimeoutException timedOut = new TimeoutException(
                "attempt " + attempt + " of step '" + label + "' exceeded its timeout of " + timeout);
        timedOut.initCause(failure);
        return timedOut;
    }

    private void commit(StepTransaction tx, String label, int attempt) throws Exception {
        boolean done;
        try {
            done = tx.commit();
        } catch (RuntimeException unknown) {
            if (TransientFailures.isTransient(unknown)) {
                throw new Interrupt.LeaveForRecovery(unknown);
            }
            throw unknown; // a lasting failure at commit: rolled back, the attempt failed
        }
        if (!done) {
            throw new CruxPersistenceException(Messages.stepRolledBack(flowId, label, attempt), flowId, null);
        }
    }

    /** Fails a transactional attempt that returned after its timeout: its transaction then rolls back. */
    static void checkTimeout(String label, Duration timeout, int attempt, long began) throws TimeoutException {
        if (timeout != null && System.nanoTime() - began > timeout.toNanos()) {
            throw new TimeoutException(
                    "attempt " + attempt + " of step '" + label + "' exceeded its timeout of " + timeout);
        }
    }

    /** A checkpoint write of a transactional step that the store refused; its cause is what it threw. */
    static final class CheckpointNotWritten extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckpointNotWritten(RuntimeException cause) {
            super(cause);
        }

        @Override
        public synchronized RuntimeException getCause() {
            return (RuntimeException) super.getCause();
        }
    }

    /** Carries a failed commit out of {@link RequestEvents#inOrder}, which gives the numbers back. */
    private static final class CommitFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommitFailed(Exception cause) {
            super(cause);
        }
    }
}
