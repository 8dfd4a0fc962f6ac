package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A business constraint was violated in a way retries cannot mend. Application code throws it from a
 * step (or a tool) to end the step at once: policy-terminal, so neither retried nor sent to a
 * fallback unless the step's {@code shouldRetry} says so. crux-ee itself never throws it.
 */
public final class ConstraintViolatedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure; for application code to throw.
     *
     * @param message the message
     */
    public ConstraintViolatedException(String message) {
        super(message, null, null, null);
    }

    /**
     * Creates the failure with its cause; for application code to throw.
     *
     * @param message the message
     * @param cause the cause
     */
    public ConstraintViolatedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
