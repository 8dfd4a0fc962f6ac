package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A guardrail refused a model call or its result. crux-ee-langchain4j's generators throw it, and
 * application code (a tool, a step) may throw it too. Policy-terminal: neither retried nor sent to a
 * fallback unless the step's {@code shouldRetry} says so.
 */
public final class GuardrailBlockedException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure; crux-ee and application code throw it.
     *
     * @param message the message
     */
    public GuardrailBlockedException(String message) {
        super(message, null, null, null);
    }

    /**
     * Creates the failure with its cause; crux-ee and application code throw it.
     *
     * @param message the message
     * @param cause the cause
     */
    public GuardrailBlockedException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
