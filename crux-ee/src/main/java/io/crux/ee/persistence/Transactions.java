package io.crux.ee.persistence;

import java.sql.SQLException;
import java.util.function.Supplier;

import jakarta.persistence.EntityExistsException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.engine.Messages;

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
 */
final class Transactions {

    private static final int OWNER_WRITE_ATTEMPTS = 3;

    private Transactions() {}

    /** Reads in a transaction of its own, or in the caller's. */
    static <T> T read(String operation, String flowId, Supplier<T> work) {
        return write(operation, flowId, work);
    }

    /** @return whether the calling thread has a JTA transaction */
    static boolean active() {
        try {
            return userTransaction().getStatus() != Status.STATUS_NO_TRANSACTION;
        } catch (Exception e) {
            throw new CruxPersistenceException(Messages.persistenceFailed("read the transaction status", null, e), null, e);
        }
    }

    /** Work on a JDBC connection of its own, in autocommit mode, outside any transaction. */
    @FunctionalInterface
    interface JdbcWork<T> {
        T run() throws SQLException;
    }

    /** Runs autocommitted JDBC work, translating its failures. */
    static <T> T autocommit(String operation, JdbcWork<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw translate(operation, null, e);
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

    static <T> T write(String operation, String flowId, Supplier<T> work) {
        UserTransaction tx = userTransaction();
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
        }
    }

    /**
     * The executing node's writes re-read the run, so a version bump in between (a lease renewal,
     * a cancel) is not a reason to give up: try again, and let the fresh read decide.
     */
    static <T> T writeOwned(String operation, String flowId, Supplier<T> work) {
        for (int attempt = 1;; attempt++) {
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

    /** Looked up once per application: the JNDI lookup costs more than a short transaction. */
    private static volatile UserTransaction userTransaction;

    private static UserTransaction userTransaction() {
        UserTransaction tx = userTransaction;
        if (tx != null) {
            return tx;
        }
        try {
            tx = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
            userTransaction = tx;
            return tx;
        } catch (NamingException e) {
            throw new CruxPersistenceException(Messages.persistenceFailed("find java:comp/UserTransaction", null, e), null, e);
        }
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
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
