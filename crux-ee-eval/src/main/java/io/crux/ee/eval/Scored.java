package io.crux.ee.eval;

import java.util.Optional;

import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestRun;

/**
 * What a {@link Scorer} scores: one case's input, expected value and output, with the run that made
 * it and the test that ran it (for its services). Immutable.
 *
 * @param testCase the case
 * @param variant the variant that ran it
 * @param output the run's output
 * @param run the completed run, for its steps, items and state
 * @param test the test that ran it, after the variant configured it
 * @param <O> the output type
 */
public record Scored<O>(EvalCase<?> testCase, String variant, O output, TestRun<O> run, FlowTest<?, O> test) {

    /** @return the case's input */
    public Object input() {
        return testCase.input();
    }

    /** @return the case's expected value, or {@code null} */
    public Object expected() {
        return testCase.expected();
    }

    /**
     * @param type a service type, such as {@code ModelRegistry.class}
     * @param <T> the type
     * @return the service the test gave its run for that type
     */
    public <T> Optional<T> service(Class<T> type) {
        return test.findService(type);
    }
}
