package io.crux.ee.persistence;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.persistence.EntityExistsException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.UserTransaction;

import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.StepTransaction;

/**
 * The stores' transactions: each read and each write is one short JTA transaction begun and
 * committed here (a caller's transaction is joined instead), so failures at commit are translated
 * too: version conflicts and taken keys become {@link FlowConflictException}, other failures
 * {@link CruxPersistenceException}.
 *
 * <p>Reads get a transaction of their own as well. Outside a transaction the container keeps the
 * persistence context and its pooled connection for as long as the calling task runs (Liberty's
 * local transaction containment): a request stream or a flow body that runs for minutes would
 * hold a connection all that time and see the entities of its first read forever. A transaction
 * per read returns the connection when the read ends and starts each read from an empty
 * persistence context, so it sees what is committed now.
 *
 * <p>Whatever the work throws, an {@link Error} included, a transaction begun here ends here (rolled
 * back), so that no transaction stays open on a pooled thread. What must happen only once the
 * writes are committed (handing events to the streams) goes through {@link #afterCommit}, which
 * waits for the commit of a caller's transaction that the writes joined.
 */
final class Transactions {

    private static final int OWNER_WRITE_ATTEMPTS = 3;

    /** How long a caller waits for work written apart from its transaction ({@link #writeApart}). */
    private static final long APART_TIMEOUT_SECONDS = 30;

    private Transactions() {}

    /** Reads in a transaction of its own, or in the caller's. */
    static <T> T read(String operation, String flowId, Supplier<T> work) {
        return write(operation, flowId, work);
    }

    /** @return whether the calling thread has a JTA transaction */
    static boolean active() {
        try {
            return jta().tx().getStatus() != Status.STATUS_NO_TRANSACTION;
        } catch (Exception e) {
            throw new CruxPersistenceException(
                    Messages.persistenceFailed("read the transaction status", null, e), null, e);
        }
    }

    /**
     * Runs {@code action} once the writes made on this thread are committed: at once outside a
     * transaction (the writes committed their own); when the calling thread's transaction commits
     * otherwise, and never if it rolls back.
     */
    static void afterCommit(Runnable action) {
        if (!active()) {
            action.run();
            return;
        }
        jta().registry().registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing is published before the outcome is known
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    /** Work on a JDBC connection of its own, in autocommit mode, outside any transaction. */
    @FunctionalInterface
    interface JdbcWork<T> {
        T run() throws SQLException;
    }

    /** Runs autocommitted JDBC work, translating its failures. */
    static <T> T autocommit(String operation, JdbcWork<T> work) {
        return autocommit(operation, null, work);
    }

    /** Runs autocommitted JDBC work on run {@code flowId}, translating its failures. */
    static <T> T autocommit(String operation, String flowId, JdbcWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw translate(operation, flowId, e);
        }
    }

    /** Runs work that joins the caller's transaction, translating its failures. */
    private static <T> T joined(String operation, String flowId, Supplier<T> work) {
        try {
            return work.get();
        } catch (PersistenceException e) {
            throw translate(operation, flowId, e);
        }
    }

    /**
     * {@link #write} in a transaction of its own, never the caller's: when the calling thread has a
     * transaction, the work runs on {@code executor} (a container's managed executor, whose tasks
     * carry none) and the caller waits for it. For rows that other servers wait on, which a caller's
     * long transaction would keep locked, and whose write its rollback must not undo.
     *
     * @param executor where the work runs if the caller has a transaction; {@code null} outside a container
     */
    static <T> T writeApart(ExecutorService executor, String operation, Supplier<T> work) {
        if (executor == null || !active()) {
            return write(operation, null, work);
        }
        Future<T> done = executor.submit(() -> write(operation, null, work));
        try {
            return done.get(APART_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                r.addSuppressed(new IllegalStateException(
                        "waited for by " + Thread.currentThread().getName()));
                throw r;
            }
            throw new CruxPersistenceException(Messages.persistenceFailed(operation, null, e.getCause()), null, e);
        } catch (TimeoutException | InterruptedException e) {
            done.cancel(true);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CruxPersistenceException(Messages.persistenceFailed(operation, null, e), null, e);
        }
    }

    static <T> T write(String operation, String flowId, Supplier<T> work) {
        UserTransaction tx = jta().tx();
        boolean own;
        try {
            own = tx.getStatus() == Status.STATUS_NO_TRANSACTION;
            if (own) {
                tx.begin();
            }
        } catch (Exception e) {
            throw new CruxPersistenceException(Messages.persistenceFailed(operation, flowId, e), flowId, e);
        }
        if (!own) {
            return joined(operation, flowId, work);
        }
        try {
            T result = work.get();
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            rollback(tx);
            throw e instanceof CruxException || !isPersistenceFailure(e) ? e : translate(operation, flowId, e);
        } catch (RollbackException e) {
            throw translate(operation, flowId, e);
        } catch (Exception e) {
            rollback(tx);
            throw translate(operation, flowId, e);
        } catch (Error e) {
            rollback(tx);
            throw e;
        }
    }

    /**
     * Begins the JTA transaction of a transactional step's attempt on the calling thread; see
     * {@link io.crux.ee.spi.FlowStore#beginStep}. The timeout applies to this transaction only: the
     * thread's later transactions get the transaction manager's default again.
     */
    static StepTransaction beginStep(Duration timeout) {
        UserTransaction tx = jta().tx();
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                throw new IllegalStateException(Messages.stepInCallersTransaction());
            }
            if (timeout != null) {
                // whole seconds, rounded up: the engine also fails an attempt that took longer than
                // its timeout when it returns, so the finer limit holds too
                tx.setTransactionTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
            }
            try {
                tx.begin();
            } finally {
                if (timeout != null) {
                    tx.setTransactionTimeout(0);
                }
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new CruxPersistenceException(
                    Messages.persistenceFailed("begin a step's transaction", null, e), null, e);
        }
        return new StepTransaction() {
            @Override
            public boolean commit() {
                try {
                    tx.commit();
                    return true;
                } catch (RollbackException | HeuristicRollbackException e) {
                    return false;
                } catch (Exception e) {
                    Transactions.rollback(tx);
                    throw translate("commit a step's transaction", null, e);
                }
            }

            @Override
            public void rollback() {
                Transactions.rollback(tx);
            }
        };
    }

    /**
     * The executing node's writes re-read the run, so a version bump in between (a lease renewal,
     * a cancel) is not a reason to give up: try again, and let the fresh read decide.
     */
    static <T> T writeOwned(String operation, String flowId, Supplier<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return write(operation, flowId, work);
            } catch (FlowConflictException e) {
                if (attempt == OWNER_WRITE_ATTEMPTS || e.getCause() == null) {
                    throw e; // no cause: the lease is held by another node
                }
            }
        }
    }

    private static void rollback(UserTransaction tx) {
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception ignored) {
            // the original failure is what matters
        }
    }

    /** The container's transaction objects. */
    record Jta(UserTransaction tx, TransactionSynchronizationRegistry registry) {}

    /** Looked up once per application: the JNDI lookup costs more than a short transaction. */
    private static volatile Jta jta;

    private static Jta jta() {
        Jta found = jta;
        if (found != null) {
            return found;
        }
        found = new Jta(
                lookup(UserTransaction.class, "java:comp/UserTransaction"),
                lookup(TransactionSynchronizationRegistry.class, "java:comp/TransactionSynchronizationRegistry"));
        jta = found;
        return found;
    }

    private static <T> T lookup(Class<T> type, String name) {
        try {
            return type.cast(new InitialContext().lookup(name));
        } catch (NamingException e) {
            throw new CruxPersistenceException(Messages.persistenceFailed("find " + name, null, e), null, e);
        }
    }

    /**
     * Uses these transaction objects instead of the container's, for tests without a container.
     *
     * @param objects the objects, or {@code null} to look the container's up again
     */
    static void use(Jta objects) {
        jta = objects;
    }

    private static CruxException translate(String operation, String flowId, Throwable e) {
        if (isConflict(e) || isUniqueViolation(e)) {
            String message = "create".equals(operation) ? Messages.runIdTaken(flowId) : Messages.runChanged(flowId);
            return new FlowConflictException(message, flowId, e);
        }
        return new CruxPersistenceException(Messages.persistenceFailed(operation, flowId, e), flowId, e);
    }

    /** A failure of the database or the provider, as opposed to one of the caller's work (a wrong value type). */
    private static boolean isPersistenceFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PersistenceException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof EntityExistsException) {
                return true;
            }
        }
        return false;
    }

    /** SQLState class 23 is an integrity constraint violation on every database we support. */
    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
