package io.crux.ee.api.exception;

import java.util.List;

/** An input or a signal payload failed Bean Validation or could not be converted. Nothing was stored. */
public class InvalidInputException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final List<Violation> violations;

    /**
     * @param message the message
     * @param flowId the run id, or {@code null} for a new run
     * @param violations the violations, one per field
     */
    public InvalidInputException(String message, String flowId, List<Violation> violations) {
        super(message, flowId, null, null);
        this.violations = List.copyOf(violations);
    }

    /** @return the violations, one per field */
    public List<Violation> violations() {
        return violations;
    }

    /**
     * One violated constraint.
     *
     * @param field the property path, empty for the whole value
     * @param message the constraint's message
     */
    public record Violation(String field, String message) implements java.io.Serializable {}
}
