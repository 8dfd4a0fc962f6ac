package io.crux.ee.api.exception;

/** The flow body failed outside a step, or a failure ended a run on another thread. */
public class FlowFailedException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     * @param flowId the run id
     * @param cause the failure, or {@code null} when only its message survived (a stored run)
     */
    public FlowFailedException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }
}
