package io.crux.ee.eval;

import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * The cases an {@link Evaluation} runs: from a JSONL or CSV file (a test resource or a path), or
 * written in code. A data set is read when it is made, so a malformed file fails where the
 * evaluation is declared, with an error naming the file and line ({@code CRUX0300E}).
 *
 * <p><b>JSONL.</b> One case per line, blank lines skipped:
 * <pre>{@code
 * {"id": "crux", "input": {"question": "What is crux?"}, "expected": "a flow library", "tags": ["smoke"]}
 * }</pre>
 * {@code input} is bound to the input type with JSON-B; {@code expected} to the expected type when
 * one is given, otherwise it stays plain JSON as Java values (String, BigDecimal, Boolean, Map, List);
 * {@code id} defaults to {@code line-<n>}. Other keys are errors.
 *
 * <p><b>CSV</b> (RFC 4180: a header row, commas, double quotes around cells with commas, quotes or
 * line breaks, {@code ""} for a quote). The columns are the components of the input record, plus
 * the optional {@code id}, {@code expected} and {@code tags} (separated by {@code ;}). A cell for a
 * {@code String} or enum component is taken as it is; any other cell is JSON ({@code 3},
 * {@code true}, {@code ["a","b"]}) and an empty one is {@code null}. For an input type that is not a
 * record the column {@code input} holds the whole input.
 *
 * <p><b>Other sources.</b> Implement the interface: a data set of production runs, for example,
 * gives each case the stored run's outcome as its {@link EvalCase#baseline() baseline}, which the
 * report shows beside the new one.
 *
 * <p>Implementations are immutable and return the same cases each time.
 *
 * @param <I> the input type
 */
public interface DataSet<I> {

    /** @return the data set's name for reports: a file name, or what the code called it */
    String name();

    /** @return the cases, in order, with distinct ids */
    List<EvalCase<I>> cases();

    /**
     * @param filter which cases to keep
     * @return a data set of the cases that the filter accepts, in the same order
     */
    default DataSet<I> filter(Predicate<EvalCase<I>> filter) {
        return of(name(), cases().stream().filter(filter).toList());
    }

    /**
     * @param cases the cases
     * @param <I> the input type
     * @return a data set named {@code cases}
     * @throws IllegalArgumentException if two cases have the same id (CRUX0302E)
     */
    @SafeVarargs
    static <I> DataSet<I> of(EvalCase<I>... cases) {
        return of("cases", List.of(cases));
    }

    /**
     * @param name the name for reports
     * @param cases the cases
     * @param <I> the input type
     * @return the data set
     * @throws IllegalArgumentException if two cases have the same id (CRUX0302E)
     */
    static <I> DataSet<I> of(String name, List<EvalCase<I>> cases) {
        return new DataSets.Fixed<>(name, cases);
    }

    /**
     * @param resource a class-path resource, such as {@code evals/research.jsonl}
     * @param inputType the input type
     * @param <I> the input type
     * @return the cases of the file
     * @throws IllegalArgumentException if the resource is missing (CRUX0301E), a line is malformed
     *     (CRUX0300E) or an id repeats (CRUX0302E)
     */
    static <I> DataSet<I> jsonl(String resource, Class<I> inputType) {
        return jsonl(resource, inputType, null);
    }

    /**
     * @param resource a class-path resource
     * @param inputType the input type
     * @param expectedType the type {@code expected} is bound to, or {@code null} for plain JSON values
     * @param <I> the input type
     * @return the cases of the file
     */
    static <I> DataSet<I> jsonl(String resource, Class<I> inputType, Type expectedType) {
        return DataSets.jsonl(DataSets.Source.resource(resource), inputType, expectedType);
    }

    /**
     * @param file a JSONL file
     * @param inputType the input type
     * @param <I> the input type
     * @return the cases of the file
     */
    static <I> DataSet<I> jsonl(Path file, Class<I> inputType) {
        return jsonl(file, inputType, null);
    }

    /**
     * @param file a JSONL file
     * @param inputType the input type
     * @param expectedType the type {@code expected} is bound to, or {@code null}
     * @param <I> the input type
     * @return the cases of the file
     */
    static <I> DataSet<I> jsonl(Path file, Class<I> inputType, Type expectedType) {
        return DataSets.jsonl(DataSets.Source.file(file), inputType, expectedType);
    }

    /**
     * @param resource a class-path resource, such as {@code evals/prices.csv}
     * @param inputType the input type, usually a record
     * @param <I> the input type
     * @return the cases of the file; {@code expected} cells are strings
     * @throws IllegalArgumentException if the resource is missing (CRUX0301E), a row is malformed
     *     (CRUX0300E), a column is unknown (CRUX0303E) or an id repeats (CRUX0302E)
     */
    static <I> DataSet<I> csv(String resource, Class<I> inputType) {
        return csv(resource, inputType, null);
    }

    /**
     * @param resource a class-path resource
     * @param inputType the input type
     * @param expectedType the type an {@code expected} cell is converted to (a {@code String} cell is
     *     taken as it is, any other is JSON), or {@code null} to keep it a string
     * @param <I> the input type
     * @return the cases of the file
     */
    static <I> DataSet<I> csv(String resource, Class<I> inputType, Type expectedType) {
        return DataSets.csv(DataSets.Source.resource(resource), inputType, expectedType);
    }

    /**
     * @param file a CSV file
     * @param inputType the input type
     * @param <I> the input type
     * @return the cases of the file; {@code expected} cells are strings
     */
    static <I> DataSet<I> csv(Path file, Class<I> inputType) {
        return csv(file, inputType, null);
    }

    /**
     * @param file a CSV file
     * @param inputType the input type
     * @param expectedType the type of the {@code expected} cells, or {@code null} for strings
     * @param <I> the input type
     * @return the cases of the file
     */
    static <I> DataSet<I> csv(Path file, Class<I> inputType, Type expectedType) {
        return DataSets.csv(DataSets.Source.file(file), inputType, expectedType);
    }
}
