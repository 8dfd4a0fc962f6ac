package io.crux.ee.api.exception;

import java.util.List;

/** An input or a signal payload failed Bean Validation or could not be converted. Nothing was stored. */
public final class InvalidInputException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final List<Violation> violations;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
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
     * @param field the property path ({@code items[0].name}), empty for the whole value
     * @param message the constraint's message
     * @param pointer the place in the JSON document (RFC 6901, {@code /items/0/name}), empty for the whole value
     */
    public record Violation(String field, String message, String pointer) implements java.io.Serializable {

        /**
         * A violation whose JSON pointer follows from its Bean Validation property path.
         *
         * @param field the property path, empty for the whole value
         * @param message the constraint's message
         */
        public Violation(String field, String message) {
            this(field, message, pointerOf(field));
        }

        private static String pointerOf(String field) {
            if (field == null || field.isEmpty()) {
                return "";
            }
            StringBuilder pointer = new StringBuilder();
            for (String part : field.replace("[", ".").replace("]", "").split("\\.")) {
                if (!part.isEmpty()) {
                    pointer.append('/').append(part.replace("~", "~0").replace("/", "~1"));
                }
            }
            return pointer.toString();
        }
    }
}
