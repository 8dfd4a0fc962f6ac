package io.crux.ee.eval;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.testkit.StepRecord;

/**
 * An earlier outcome of a case that the report puts beside the new one: for a case taken from a
 * production run, the stored run's status, output and steps. A {@link DataSet} attaches it to an
 * {@link EvalCase}; the evaluation never reruns it. Immutable.
 *
 * @param runId the earlier run's id, or {@code null}
 * @param status how the earlier run ended
 * @param output its output, or {@code null} if it did not complete
 * @param duration how long it took, or {@code null} if not known
 * @param steps its steps with their durations, in the order they started
 */
public record Baseline(String runId, FlowStatus status, Object output, Duration duration, List<StepRecord> steps) {

    /** Copies the steps. */
    public Baseline {
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
    }
}
