package io.crux.ee.api.exception;

import java.util.Optional;

/**
 * The root of every exception crux-ee throws. Unchecked. Subtypes carry their context as
 * accessors; every message crux-ee writes starts with a stable message id ({@code CRUX0012E: ...})
 * that the README's message table explains.
 *
 * <p>The hierarchy is closed: this class is sealed and every subtype is final (except
 * {@link FlowConflictException}, whose one subtype is {@link LeaseLostException}), so a
 * {@code catch} or a {@code switch} over these types sees every case. Of these, application code
 * creates only {@link ConstraintViolatedException}, {@link GuardrailBlockedException} and
 * {@link ValidationExhaustedException}; the others are created by crux-ee and, where the
 * {@code io.crux.ee.spi} contracts say so, by store and model registry implementations.
 *
 * <p>The context an exception carries (run id, step label, the subtypes' accessors) is set when it
 * is created and never changes.
 */
public abstract sealed class CruxException extends RuntimeException
        permits ConstraintViolatedException,
                CruxPersistenceException,
                FlowCancelledException,
                FlowChangedException,
                FlowConflictException,
                FlowDefinitionException,
                FlowFailedException,
                FlowNotFoundException,
                FlowStateException,
                GuardrailBlockedException,
                InvalidInputException,
                LimitExceededException,
                LoopLimitException,
                NoConsensusException,
                ModelConfigurationException,
                ModelNotFoundException,
                NestedStepException,
                NodeIdInUseException,
                StepFailedException,
                ToolRoundsExceededException,
                ValidationExhaustedException {

    private static final long serialVersionUID = 1L;

    private final String flowId;
    private final String stepLabel;

    /**
     * For the subtypes of this package only.
     *
     * @param message the message, starting with its id
     * @param flowId the run id, or {@code null}
     * @param stepLabel the step label, or {@code null}
     * @param cause the cause, or {@code null}
     */
    CruxException(String message, String flowId, String stepLabel, Throwable cause) {
        super(message, cause);
        this.flowId = flowId;
        this.stepLabel = stepLabel;
    }

    /** @return the id of the run concerned, if any */
    public Optional<String> flowId() {
        return Optional.ofNullable(flowId);
    }

    /** @return the label of the step concerned, if any */
    public Optional<String> stepLabel() {
        return Optional.ofNullable(stepLabel);
    }

    /**
     * @return the stable message id, such as {@code CRUX0012E}: the text before the first colon
     *     when the message starts with {@code CRUX}, or empty otherwise
     */
    public String messageId() {
        String m = getMessage();
        int colon = m == null ? -1 : m.indexOf(':');
        return colon > 0 && m.startsWith("CRUX") ? m.substring(0, colon) : "";
    }
}
