package io.crux.ee.eval;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.testkit.StepRecord;

/**
 * The outcome of one case under one variant: how the run ended, its steps, the step expectations it
 * missed and its scores. Immutable.
 *
 * @param testCase the case
 * @param variant the variant's name
 * @param runId the run's id
 * @param status how the run ended
 * @param output the output of a completed run, otherwise {@code null}
 * @param failure why the run did not complete (its failure's message, or its status), or {@code null}
 * @param steps the run's steps with their durations
 * @param stepFailures one message per step expectation it missed
 * @param scores each scorer's score, by scorer name in declaration order
 * @param duration how long the run took, by the wall clock
 */
public record CaseResult(
        EvalCase<?> testCase,
        String variant,
        String runId,
        FlowStatus status,
        Object output,
        String failure,
        List<StepRecord> steps,
        List<String> stepFailures,
        Map<String, Score> scores,
        Duration duration) {

    /** Copies the lists and the map. */
    public CaseResult {
        Objects.requireNonNull(testCase, "testCase");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(status, "status");
        steps = List.copyOf(steps);
        stepFailures = List.copyOf(stepFailures);
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
        Objects.requireNonNull(duration, "duration");
    }

    /** @return the case's id */
    public String caseId() {
        return testCase.id();
    }

    /** @return whether the run completed */
    public boolean completed() {
        return status == FlowStatus.COMPLETED;
    }

    /** @return whether the run met every step expectation */
    public boolean stepsMet() {
        return stepFailures.isEmpty();
    }

    /** @return whether the run completed, met its step expectations and passed every scorer */
    public boolean passed() {
        return completed() && stepsMet() && scores.values().stream().allMatch(Score::passed);
    }

    /** @return what went wrong, one line each; empty when it passed */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!completed()) {
            problems.add("run " + status + ": " + failure);
        }
        stepFailures.forEach(f -> problems.add("steps: " + f));
        scores.forEach((name, score) -> {
            if (!score.passed()) {
                problems.add(name + " " + String.format(java.util.Locale.ROOT, "%.2f", score.value()) + ": "
                        + score.explanation());
            }
        });
        return problems;
    }
}
