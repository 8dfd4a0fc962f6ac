package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A flow body called {@code step}, {@code suspend} or {@code waitUntil} from inside the body of
 * another step. A completed step is replayed by returning its recorded output without running its
 * body, so whatever the body recorded of its own would never be replayed and every later step would
 * read the wrong checkpoint. Call them from the flow body, one after the other, or use blocks, whose
 * children are steps of their own. Policy-terminal: it fails the same way on every attempt.
 */
public final class NestedStepException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message, naming both steps
     * @param flowId the run id
     * @param stepLabel the label of the step whose body made the call
     */
    public NestedStepException(String message, String flowId, String stepLabel) {
        super(message, flowId, stepLabel, null);
    }
}
