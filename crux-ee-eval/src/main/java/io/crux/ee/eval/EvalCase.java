package io.crux.ee.eval;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One case of a {@link DataSet}: the input a flow runs with and what its output should be.
 * Immutable.
 *
 * @param id the case's id, unique in its data set; names its test and its report rows
 * @param input the action's input
 * @param expected what the output should be, for the scorers that compare ({@link Scorers#equalsExpected()},
 *     {@link Scorers#within(double)}, the judge); {@code null} when the case does not say
 * @param tags labels to select cases by ({@link #tagged(String)})
 * @param baseline an earlier outcome to compare with, or {@code null}
 * @param <I> the input type
 */
public record EvalCase<I>(String id, I input, Object expected, List<String> tags, Baseline baseline) {

    /** Checks the id and copies the tags. */
    public EvalCase {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("A case id must not be blank");
        }
        tags = List.copyOf(tags);
    }

    /**
     * @param id the case's id
     * @param input the input
     * @param <I> the input type
     * @return a case without expected value, tags or baseline
     */
    public static <I> EvalCase<I> of(String id, I input) {
        return new EvalCase<>(id, input, null, List.of(), null);
    }

    /**
     * @param id the case's id
     * @param input the input
     * @param expected the expected output
     * @param <I> the input type
     * @return a case without tags or baseline
     */
    public static <I> EvalCase<I> of(String id, I input, Object expected) {
        return new EvalCase<>(id, input, expected, List.of(), null);
    }

    /**
     * @param tags the tags
     * @return a copy with these tags
     */
    public EvalCase<I> withTags(String... tags) {
        return new EvalCase<>(id, input, expected, List.of(tags), baseline);
    }

    /**
     * @param baseline the earlier outcome
     * @return a copy with this baseline
     */
    public EvalCase<I> withBaseline(Baseline baseline) {
        return new EvalCase<>(id, input, expected, tags, baseline);
    }

    /**
     * @param tag a tag
     * @param <I> the input type
     * @return a predicate selecting the cases with that tag, for
     *     {@link Evaluation#expectSteps(Predicate, StepExpectation...)}
     */
    public static <I> Predicate<EvalCase<I>> tagged(String tag) {
        return c -> c.tags().contains(tag);
    }

    /**
     * @param ids case ids
     * @param <I> the input type
     * @return a predicate selecting the cases with one of these ids
     */
    public static <I> Predicate<EvalCase<I>> withId(String... ids) {
        List<String> list = List.of(ids);
        return c -> list.contains(c.id());
    }
}
