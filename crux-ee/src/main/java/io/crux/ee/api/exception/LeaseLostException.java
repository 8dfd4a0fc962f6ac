package io.crux.ee.api.exception;

/**
 * This server no longer holds the run's lease: another server took the run over (this one stalled
 * longer than the lease), or the run ended elsewhere. The store refused this server's write, and
 * this server stopped executing the run without writing anything more; the holder continues it.
 * Thrown to a caller waiting for the run on this server. Not retried.
 */
public final class LeaseLostException extends FlowConflictException {

    private static final long serialVersionUID = 1L;
    private final String holder;

    /**
     * Thrown by crux-ee and by {@code FlowStore.whileHolding} implementations;
     * applications catch it and do not create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param holder the server that holds the run now, or {@code null} if none does
     */
    public LeaseLostException(String message, String flowId, String holder) {
        super(message, flowId, null);
        this.holder = holder;
    }

    /** @return the server that holds the run now, or {@code null} if none does (it ended, or waits for recovery) */
    public String holder() {
        return holder;
    }
}
