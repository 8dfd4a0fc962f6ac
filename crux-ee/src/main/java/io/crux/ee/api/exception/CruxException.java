package io.crux.ee.api.exception;

import java.util.Optional;

/**
 * The root of every exception crux-ee throws. Unchecked. Subtypes carry their context as
 * accessors; every message starts with a stable message id ({@code CRUX0012E: ...}) that the
 * README's message table explains.
 */
public abstract class CruxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String flowId;
    private final String stepLabel;

    /**
     * @param message the message, starting with its id
     * @param flowId the run id, or {@code null}
     * @param stepLabel the step label, or {@code null}
     * @param cause the cause, or {@code null}
     */
    protected CruxException(String message, String flowId, String stepLabel, Throwable cause) {
        super(message, cause);
        this.flowId = flowId;
        this.stepLabel = stepLabel;
    }

    /** @return the id of the run concerned, if any */
    public Optional<String> flowId() {
        return Optional.ofNullable(flowId);
    }

    /** @return the label of the step concerned, if any */
    public Optional<String> stepLabel() {
        return Optional.ofNullable(stepLabel);
    }

    /** @return the stable message id, such as {@code CRUX0012E}, or empty */
    public String messageId() {
        String m = getMessage();
        int colon = m == null ? -1 : m.indexOf(':');
        return colon > 0 && m.startsWith("CRUX") ? m.substring(0, colon) : "";
    }
}
