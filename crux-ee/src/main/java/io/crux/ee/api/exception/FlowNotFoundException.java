package io.crux.ee.api.exception;

/** No run with that id exists for that flow. */
public class FlowNotFoundException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     * @param flowId the id asked for
     */
    public FlowNotFoundException(String message, String flowId) {
        super(message, flowId, null, null);
    }
}
