package io.crux.ee.api.exception;

/**
 * A chat model is configured but cannot be built or chosen: a MicroProfile Config value of
 * {@code crux.models.<name>.*} is missing or malformed, or several beans claim the same name. The
 * message names the property or the beans and the fix.
 */
public final class ModelConfigurationException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee-langchain4j and by model registry implementations; applications catch it and
     * do not create it.
     *
     * @param message the message, naming the model and the property at fault
     */
    public ModelConfigurationException(String message) {
        super(message, null, null, null);
    }

    /**
     * Thrown by crux-ee-langchain4j and by model registry implementations; applications catch it and
     * do not create it.
     *
     * @param message the message, naming the model and the property at fault
     * @param cause the cause
     */
    public ModelConfigurationException(String message, Throwable cause) {
        super(message, null, null, cause);
    }
}
