package io.crux.ee.api.exception;

import java.util.Optional;

/** The store failed for a reason other than a conflict, for example a lost database connection. */
public final class CruxPersistenceException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee and by store and codec implementations (package {@code io.crux.ee.spi});
     * applications catch it and do not create it.
     *
     * @param message the message
     * @param flowId the run id, or {@code null}
     * @param cause the persistence failure
     */
    public CruxPersistenceException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }

    /**
     * A failure of the store may come wrapped, as a step's failure wraps its transaction's commit
     * that failed; its message may quote the database (a statement, its error).
     *
     * @param failure a failure, or {@code null}
     * @return the first failure of the store in its chain of causes, itself included
     */
    public static Optional<CruxPersistenceException> foundIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CruxPersistenceException store) {
                return Optional.of(store);
            }
        }
        return Optional.empty();
    }
}
