package io.crux.ee.api.exception;

/** Thrown into step code that checks its {@link io.crux.ee.api.CancellationToken} after a cancel. */
public final class FlowCancelledException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final String reason;

    /**
     * Thrown by crux-ee and by {@code FlowStore.whileHolding} implementations;
     * applications catch it and do not create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param reason the reason given to cancel
     */
    public FlowCancelledException(String message, String flowId, String reason) {
        super(message, flowId, null, null);
        this.reason = reason;
    }

    /** @return the reason given to cancel */
    public String reason() {
        return reason;
    }
}
