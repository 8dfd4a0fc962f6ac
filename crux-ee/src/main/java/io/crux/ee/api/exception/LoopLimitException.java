package io.crux.ee.api.exception;

/**
 * A sequencer loop ({@code doWhile}, {@code doUntil}) reached its maximum number of iterations
 * while its condition still asked for another one, and the loop was declared to fail in that case
 * (the default). Not retried by the steps around it: the loop's children have all completed.
 */
public final class LoopLimitException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final int iterations;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id, or {@code null}
     * @param loopPath the logical path of the loop, for example {@code chat/refine}
     * @param iterations the bound that was reached
     */
    public LoopLimitException(String message, String flowId, String loopPath, int iterations) {
        super(message, flowId, loopPath, null);
        this.iterations = iterations;
    }

    /** @return the bound that was reached: the number of iterations that ran */
    public int iterations() {
        return iterations;
    }
}
