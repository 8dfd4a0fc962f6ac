package io.crux.ee.api.exception;

import io.crux.ee.api.FlowStatus;

/** The run is in a state that does not allow the operation, such as a signal to a finished run. */
public final class FlowStateException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final FlowStatus status;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param status the run's status
     */
    public FlowStateException(String message, String flowId, FlowStatus status) {
        super(message, flowId, null, null);
        this.status = status;
    }

    /** @return the run's status when the operation was refused */
    public FlowStatus status() {
        return status;
    }
}
