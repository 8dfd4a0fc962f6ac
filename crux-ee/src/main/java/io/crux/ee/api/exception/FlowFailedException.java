package io.crux.ee.api.exception;

/** The flow body failed outside a step, or a failure ended a run on another thread. */
public final class FlowFailedException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param cause the failure, or {@code null} when only its message survived (a stored run)
     */
    public FlowFailedException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }
}
