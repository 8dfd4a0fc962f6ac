package io.crux.ee.api.exception;

/**
 * The flow's code changed under a stored run: at a recorded position the body now asks for another
 * step (or suspension) than the one recorded. Deploy the old code to finish such runs, or cancel
 * them.
 */
public final class FlowChangedException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final int position;
    private final String recordedLabel;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id
     * @param stepLabel the label the body asked for
     * @param position the position in the run
     * @param recordedLabel the label recorded at that position
     */
    public FlowChangedException(String message, String flowId, String stepLabel, int position, String recordedLabel) {
        super(message, flowId, stepLabel, null);
        this.position = position;
        this.recordedLabel = recordedLabel;
    }

    /** @return the position, from 0, at which the body and the record disagree */
    public int position() {
        return position;
    }

    /** @return the label recorded at that position */
    public String recordedLabel() {
        return recordedLabel;
    }
}
