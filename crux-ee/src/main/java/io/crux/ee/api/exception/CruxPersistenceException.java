package io.crux.ee.api.exception;

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
}
