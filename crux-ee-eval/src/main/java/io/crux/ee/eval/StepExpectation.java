package io.crux.ee.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.crux.ee.testkit.StepRecord;
import io.crux.ee.testkit.Steps;

/**
 * What a case's run must have done step by step, checked on the test kit's {@link Steps}. Steps are
 * named as in the test kit: by full label or by its last segments ({@code summarize} matches
 * {@code research/sources[1]/summarize}).
 *
 * <pre>{@code
 * evaluation.expectSteps(StepExpectation.succeeded("plan", "search"),
 *                        StepExpectation.inOrder("plan", "search", "answer"),
 *                        StepExpectation.attemptsAtMost("search", 2),
 *                        StepExpectation.noFallback("answer"));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class StepExpectation {

    private final String description;
    private final Function<Steps, Optional<String>> check;

    private StepExpectation(String description, Function<Steps, Optional<String>> check) {
        this.description = description;
        this.check = check;
    }

    /**
     * @param description what it expects, for the report
     * @param check the check: empty when the steps meet it, otherwise why not
     * @return a custom expectation
     */
    public static StepExpectation of(String description, Function<Steps, Optional<String>> check) {
        return new StepExpectation(
                Objects.requireNonNull(description, "description"), Objects.requireNonNull(check, "check"));
    }

    /**
     * @param steps a run's steps
     * @return empty when they meet this expectation, otherwise why not
     */
    public Optional<String> check(Steps steps) {
        return check.apply(steps);
    }

    /** @return what it expects */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description;
    }

    private static StepExpectation asserting(String description, java.util.function.Consumer<Steps> assertion) {
        return new StepExpectation(description, steps -> {
            try {
                assertion.accept(steps);
                return Optional.empty();
            } catch (AssertionError e) {
                return Optional.of(e.getMessage());
            }
        });
    }

    /**
     * @param names steps that must have run and succeeded (every step each name matches)
     * @return the expectation
     */
    public static StepExpectation succeeded(String... names) {
        return asserting("succeeded " + List.of(names), steps -> steps.succeeded(names));
    }

    /**
     * @param names steps whose first runs must have started in this order (others may come between)
     * @return the expectation
     */
    public static StepExpectation inOrder(String... names) {
        return asserting("in order " + List.of(names), steps -> steps.inOrder(names));
    }

    /**
     * @param names steps that must not have run
     * @return the expectation
     */
    public static StepExpectation notRun(String... names) {
        return asserting("not run " + List.of(names), steps -> steps.notRun(names));
    }

    /**
     * @param name a step
     * @param max the most attempts each step it matches may have taken
     * @return the expectation; a step that did not run meets it
     */
    public static StepExpectation attemptsAtMost(String name, int max) {
        return new StepExpectation("attempts of '" + name + "' at most " + max, steps -> {
            List<StepRecord> over = steps.list().stream()
                    .filter(s -> s.matches(name) && s.attempts() > max)
                    .toList();
            return over.isEmpty()
                    ? Optional.empty()
                    : Optional.of("Expected step '" + name + "' to take at most " + max + " attempt(s) but "
                            + over.stream()
                                    .map(s -> s.label() + " took " + s.attempts())
                                    .collect(Collectors.joining(", ")));
        });
    }

    /**
     * @param names steps whose fallback must not have supplied the output; with no names, no step's
     * @return the expectation
     */
    public static StepExpectation noFallback(String... names) {
        List<String> list = List.of(names);
        return new StepExpectation(list.isEmpty() ? "no fallback" : "no fallback " + list, steps -> {
            List<StepRecord> fell = steps.list().stream()
                    .filter(s -> s.status() == StepRecord.Status.FELL_BACK)
                    .filter(s -> list.isEmpty() || list.stream().anyMatch(s::matches))
                    .toList();
            return fell.isEmpty()
                    ? Optional.empty()
                    : Optional.of("Expected no fallback but "
                            + fell.stream().map(StepRecord::label).collect(Collectors.joining(", "))
                            + " fell back");
        });
    }
}
