package io.crux.ee.api.exception;

/** A step failed for good: attempts ran out with no fallback, or the failure was policy-terminal. */
public final class StepFailedException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final int attempts;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param stepLabel the step's label
     * @param attempts how many attempts ran
     * @param cause the last attempt's failure
     */
    public StepFailedException(String message, String flowId, String stepLabel, int attempts, Throwable cause) {
        super(message, flowId, stepLabel, cause);
        this.attempts = attempts;
    }

    /** @return how many attempts ran */
    public int attempts() {
        return attempts;
    }
}
