package io.crux.ee.api.exception;

/** A generator asked for a chat model by a name that no bean, configuration or test script provides. */
public final class ModelNotFoundException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee-langchain4j and by model registry implementations; applications catch it and
     * do not create it.
     *
     * @param message the message, naming the model and how to provide it
     */
    public ModelNotFoundException(String message) {
        super(message, null, null, null);
    }
}
