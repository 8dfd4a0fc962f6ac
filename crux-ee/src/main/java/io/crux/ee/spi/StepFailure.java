package io.crux.ee.spi;

import java.util.List;
import java.util.Objects;

/**
 * The step that failed a run for good, with its failed attempts, as the run's failure keeps it.
 * Immutable.
 *
 * @param label the step's label
 * @param attempts how many attempts it took
 * @param failures its failed attempts, oldest first (copied)
 */
public record StepFailure(String label, int attempts, List<AttemptFailure> failures) {

    /** @throws NullPointerException if {@code label} is null */
    public StepFailure {
        Objects.requireNonNull(label, "label");
        failures = failures == null ? List.of() : List.copyOf(failures);
    }
}
