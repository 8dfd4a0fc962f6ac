package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/** A business constraint was violated in a way retries cannot mend. Policy-terminal. */
public class ConstraintViolatedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     */
    public ConstraintViolatedException(String message) {
        super(message, null, null, null);
    }

    /**
     * @param message the message
     * @param cause the cause
     */
    public ConstraintViolatedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
