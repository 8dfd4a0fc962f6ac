package io.crux.ee.api.exception;

/** A flow definition is not usable; the CDI extension reports it as a deployment problem. */
public class FlowDefinitionException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message the message, naming the class and the fix
     */
    public FlowDefinitionException(String message) {
        super(message, null, null, null);
    }
}
