package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/** A structured reply stayed invalid after every allowed repair. Policy-terminal. */
public class ValidationExhaustedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     */
    public ValidationExhaustedException(String message) {
        super(message, null, null, null);
    }

    /**
     * @param message the message
     * @param cause the cause
     */
    public ValidationExhaustedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
