package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/** A guardrail refused a model call or its result. Policy-terminal. */
public class GuardrailBlockedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message
     */
    public GuardrailBlockedException(String message) {
        super(message, null, null, null);
    }

    /**
     * @param message the message
     * @param cause the cause
     */
    public GuardrailBlockedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
