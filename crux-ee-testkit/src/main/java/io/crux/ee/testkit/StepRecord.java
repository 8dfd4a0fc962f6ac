package io.crux.ee.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * One step of a run as the test saw it. Immutable.
 *
 * @param label the step's label; for a block, its logical path such as {@code chat/plan}
 * @param status how it ended
 * @param attempts how many attempts it took
 * @param order its place among the run's steps, from 0, in the order they first started
 * @param duration how long its attempts ran by the wall clock, added up; the retry waits between them,
 *     which the kit skips, are not counted. Real time, unlike the kit's clock: use it to report, not to
 *     assert exact values
 */
public record StepRecord(String label, Status status, int attempts, int order, Duration duration) {

    /** Checks the duration. */
    public StepRecord {
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * A step whose duration is not known ({@link Duration#ZERO}).
     *
     * @param label the step's label
     * @param status how it ended
     * @param attempts how many attempts it took
     * @param order its place among the run's steps
     */
    public StepRecord(String label, Status status, int attempts, int order) {
        this(label, status, attempts, order, Duration.ZERO);
    }

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
