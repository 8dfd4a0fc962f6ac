package io.crux.ee.api.exception;

/** A flow definition is not usable; the CDI extension reports it as a deployment problem. */
public final class FlowDefinitionException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message, naming the class and the fix
     */
    public FlowDefinitionException(String message) {
        super(message, null, null, null);
    }
}
