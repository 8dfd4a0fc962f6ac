package io.crux.ee.testkit;

/**
 * One step of a run as the test saw it. Immutable.
 *
 * @param label the step's label; for a block, its logical path such as {@code chat/plan}
 * @param status how it ended
 * @param attempts how many attempts it took
 * @param order its place among the run's steps, from 0, in the order they first started
 */
public record StepRecord(String label, Status status, int attempts, int order) {

    /** How a step ended. */
    public enum Status {
        /** It completed and its output was recorded. */
        SUCCEEDED,
        /** Its attempts ran out and its fallback supplied the output. */
        FELL_BACK,
        /** It failed for good. */
        FAILED,
        /** It did not end: the run suspended, waits for a retry or was cancelled during it. */
        INTERRUPTED
    }

    /**
     * @param name a label or its last segments
     * @return whether this step's label is {@code name} or ends with {@code "/" + name}
     */
    public boolean matches(String name) {
        return label.equals(name) || label.endsWith("/" + name);
    }
}
