package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A structured reply stayed invalid after every allowed repair. crux-ee-langchain4j's generators
 * throw it, and application code that checks a reply itself may throw it too. Policy-terminal:
 * neither retried nor sent to a fallback unless the step's {@code shouldRetry} says so.
 */
public final class ValidationExhaustedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure; crux-ee and application code throw it.
     *
     * @param message the message
     */
    public ValidationExhaustedException(String message) {
        super(message, null, null, null);
    }

    /**
     * Creates the failure with its cause; crux-ee and application code throw it.
     *
     * @param message the message
     * @param cause the cause
     */
    public ValidationExhaustedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
