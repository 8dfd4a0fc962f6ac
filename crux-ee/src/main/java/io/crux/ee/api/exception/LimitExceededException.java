package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A value was larger than a configured limit allows, so it was not stored: a step's output, an
 * item, a step label or a suspension name. The message names the limit's configuration key.
 * Policy-terminal: the same value exceeds the same limit on every attempt.
 */
public final class LimitExceededException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    private final String key;
    private final long limit;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message, naming the value, the limit and its key
     * @param flowId the run id, or {@code null}
     * @param stepLabel the step concerned, or {@code null}
     * @param key the configuration key of the limit, such as {@code crux.limits.step-output-bytes}
     * @param limit the limit
     */
    public LimitExceededException(String message, String flowId, String stepLabel, String key, long limit) {
        super(message, flowId, stepLabel, null);
        this.key = key;
        this.limit = limit;
    }

    /** @return the configuration key of the limit */
    public String key() {
        return key;
    }

    /** @return the limit that was exceeded */
    public long limit() {
        return limit;
    }
}
