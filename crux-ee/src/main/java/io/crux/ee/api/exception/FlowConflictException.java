package io.crux.ee.api.exception;

/**
 * Another caller changed the run first: a concurrent resume or signal won, or a run id is already
 * taken. Nothing was executed for this call.
 */
public class FlowConflictException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     * @param flowId the run id
     * @param cause the optimistic-lock or unique-key failure, or {@code null}
     */
    public FlowConflictException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }
}
