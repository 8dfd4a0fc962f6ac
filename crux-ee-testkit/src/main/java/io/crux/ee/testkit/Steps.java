package io.crux.ee.testkit;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The steps of a tested run, with assertions that throw {@link AssertionError} and return this
 * object, so they chain; {@link #and()} goes back to the run.
 *
 * <p>A step is named by its full label ({@code chat/sources[1]/summarize}) or by its last segments
 * ({@code summarize}, {@code sources[1]/summarize}); an exact label wins over a suffix. Assertions
 * about one step fail when a name matches several. Immutable: the steps are copied when it is
 * made.
 *
 * <pre>{@code
 * run.steps().succeeded("plan", "search").inOrder("plan", "search").attempts("search", 3);
 * }</pre>
 */
public final class Steps {

    private final TestRun<?> run;
    private final List<StepRecord> steps;

    Steps(TestRun<?> run, List<StepRecord> steps) {
        this.run = run;
        this.steps = List.copyOf(steps);
    }

    /** @return every step, in the order they first started */
    public List<StepRecord> list() {
        return steps;
    }

    /** @return the labels, in order */
    public List<String> labels() {
        return steps.stream().map(StepRecord::label).toList();
    }

    /**
     * @param name a label or its last segments
     * @return the single step it names
     * @throws AssertionError if it names none or several
     */
    public StepRecord get(String name) {
        List<StepRecord> exact =
                steps.stream().filter(s -> s.label().equals(name)).toList();
        List<StepRecord> found = exact.isEmpty() ? matching(name) : exact;
        if (found.isEmpty()) {
            throw new AssertionError("Expected a step '" + name + "' but the run had none. Steps: " + describe());
        }
        if (found.size() > 1) {
            throw new AssertionError("The name '" + name + "' matches several steps "
                    + found.stream().map(StepRecord::label).toList() + "; give more of the path.");
        }
        return found.get(0);
    }

    private List<StepRecord> matching(String name) {
        return steps.stream().filter(s -> s.matches(name)).toList();
    }

    private Steps expectStatus(StepRecord.Status status, String... names) {
        for (String name : names) {
            List<StepRecord> found = matching(name);
            if (found.isEmpty()) {
                throw new AssertionError(
                        "Expected step '" + name + "' to have " + status + " but it never ran. Steps: " + describe());
            }
            List<StepRecord> other =
                    found.stream().filter(s -> s.status() != status).toList();
            if (!other.isEmpty()) {
                throw new AssertionError("Expected step '" + name + "' to have " + status + " but "
                        + other.stream()
                                .map(s -> s.label() + " " + s.status() + " after " + s.attempts() + " attempt(s)")
                                .collect(Collectors.joining(", "))
                        + ". Steps: " + describe());
            }
        }
        return this;
    }

    /**
     * @param names steps that must have run and completed (every step a name matches)
     * @return this
     * @throws AssertionError if one did not
     */
    public Steps succeeded(String... names) {
        return expectStatus(StepRecord.Status.SUCCEEDED, names);
    }

    /**
     * @param names steps whose fallback supplied the output
     * @return this
     */
    public Steps fellBack(String... names) {
        return expectStatus(StepRecord.Status.FELL_BACK, names);
    }

    /**
     * @param names steps that failed for good
     * @return this
     */
    public Steps failed(String... names) {
        return expectStatus(StepRecord.Status.FAILED, names);
    }

    /**
     * @param names steps that must not have run at all
     * @return this
     */
    public Steps notRun(String... names) {
        for (String name : names) {
            List<StepRecord> found = matching(name);
            if (!found.isEmpty()) {
                throw new AssertionError("Expected step '" + name + "' not to run but it ran: " + found);
            }
        }
        return this;
    }

    /**
     * Checks that the first step each name matches started in the given order (other steps may
     * come between).
     *
     * @param names the names, in the expected order
     * @return this
     */
    public Steps inOrder(String... names) {
        int last = -1;
        String previous = null;
        for (String name : names) {
            StepRecord first = matching(name).stream()
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "Expected step '" + name + "' in order but it never ran. Steps: " + describe()));
            if (first.order() <= last) {
                throw new AssertionError("Expected step '" + name + "' after '" + previous
                        + "' but it ran before it. Steps: " + describe());
            }
            last = first.order();
            previous = name;
        }
        return this;
    }

    /**
     * @param name one step
     * @param expected how many attempts it took
     * @return this
     */
    public Steps attempts(String name, int expected) {
        StepRecord step = get(name);
        if (step.attempts() != expected) {
            throw new AssertionError("Expected step '" + step.label() + "' to take " + expected
                    + " attempt(s) but it took " + step.attempts() + " (" + step.status() + ")");
        }
        return this;
    }

    /**
     * @param expected how many steps the run had
     * @return this
     */
    public Steps count(int expected) {
        if (steps.size() != expected) {
            throw new AssertionError(
                    "Expected " + expected + " step(s) but the run had " + steps.size() + ": " + describe());
        }
        return this;
    }

    /** @return the run, to chain further assertions */
    public TestRun<?> and() {
        return run;
    }

    private String describe() {
        return steps.isEmpty()
                ? "(none)"
                : steps.stream()
                        .map(s -> s.label() + "=" + s.status() + (s.attempts() > 1 ? "x" + s.attempts() : ""))
                        .collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public String toString() {
        return describe();
    }
}
