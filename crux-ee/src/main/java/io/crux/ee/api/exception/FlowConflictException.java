package io.crux.ee.api.exception;

/**
 * Another caller changed the run first: a concurrent resume or signal won, or a run id is already
 * taken. Nothing was executed for this call.
 */
public sealed class FlowConflictException extends CruxException permits LeaseLostException, ResourceConflictException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee and by {@code FlowStore} and {@code SessionStore} implementations;
     * applications catch it and do not create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param cause the optimistic-lock or unique-key failure, or {@code null}
     */
    public FlowConflictException(String message, String flowId, Throwable cause) {
        super(message, flowId, null, cause);
    }
}
