package io.crux.ee.api.exception;

/** No run with that id exists for that flow. */
public final class FlowNotFoundException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the id asked for
     */
    public FlowNotFoundException(String message, String flowId) {
        super(message, flowId, null, null);
    }
}
