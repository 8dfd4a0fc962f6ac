package io.crux.ee.engine;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.crux.ee.api.exception.CruxPersistenceException;

/**
 * Tells a passing failure of the store (a lost connection, a restarted database, a deadlock) from
 * one that the same write meets again (a value the database refuses), and how long to wait before
 * trying a write again.
 */
final class TransientFailures {

    /** The waits before the retries of a checkpoint write: four attempts in about a second. */
    static final List<Duration> BACKOFF =
            List.of(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMillis(800));

    /**
     * SQLState classes of failures that the same statement meets again: data exceptions (a value too
     * long), integrity constraints, syntax or access rules, unsupported features.
     */
    private static final List<String> LASTING = List.of("22", "23", "42", "0A");

    /**
     * SQLState classes of a transaction that cannot go on: an invalid transaction state (PostgreSQL's
     * 25P02, "current transaction is aborted") and a transaction rolled back by the database.
     */
    private static final List<String> TRANSACTION_STATE = List.of("25", "40");

    private TransientFailures() {}

    /**
     * @param failure a failure of a write inside a transactional step's transaction
     * @return whether it says that the transaction itself cannot go on: the attempt failed (the
     *     step's own statements spoilt it), rather than the store
     */
    static boolean isSpoiltTransaction(RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().length() >= 2
                    && TRANSACTION_STATE.contains(sql.getSQLState().substring(0, 2))) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param failure a failure of the store
     * @return whether trying the same write again may succeed: a persistence failure whose causes
     *     hold no SQL error of a lasting class; a conflict or a value's own failure is not one
     */
    static boolean isTransient(RuntimeException failure) {
        if (!(failure instanceof CruxPersistenceException)) {
            return false;
        }
        for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().length() >= 2
                    && LASTING.contains(sql.getSQLState().substring(0, 2))) {
                return false;
            }
        }
        return true;
    }
}
