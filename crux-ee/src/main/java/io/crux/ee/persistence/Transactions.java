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
 * The stores' transactions: each write is one JTA transaction begun and committed here (a
 * caller's transaction is joined instead), so failures at commit are translated too: version
 * conflicts and taken keys become {@link FlowConflictException}, other failures
 * {@link CruxPersistenceException}.
 */
final class Transactions {

    private static final int OWNER_WRITE_ATTEMPTS = 3;

    private Transactions() {}

    static <T> T read(String operation, String flowId, Supplier<T> work) {
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
            return read(operation, flowId, work);
        }
        try {
            T result = work.get();
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            rollback(tx);
            throw e instanceof CruxException c ? c : translate(operation, flowId, e);
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
