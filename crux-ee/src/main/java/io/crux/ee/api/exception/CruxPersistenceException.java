package io.crux.ee.api.exception;

/** The store failed for a reason other than a conflict, for example a lost database connection. */
public class CruxPersistenceException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     * @param flowId the run id, or {@code null}
     * @param cause the persistence failure
     */
    public CruxPersistenceException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }
}
