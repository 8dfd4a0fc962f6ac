package io.crux.ee.eval;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.codec.JsonSchemaCheck;
import io.crux.ee.codec.JsonSchemas;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/**
 * The usual {@link Scorer}s: equality, substrings, regular expressions, JSON Schema, numeric
 * tolerance and an LLM judge. Each explains its score in words that the report shows.
 *
 * <p>Outputs are compared as JSON-B writes them: a record equals an expected {@code Map} with the
 * same properties, numbers are equal by value ({@code 1.0} and {@code 1}). "Text" is a
 * {@code String} output itself, a number or boolean as written, and JSON for anything else.
 *
 * <p>Stateless; the scorers it returns are immutable and thread-safe.
 */
public final class Scorers {

    private Scorers() {}

    /**
     * @param <O> the output type
     * @return passes when the output equals the case's expected value (as JSON); fails for a case
     *     without one
     */
    public static <O> Scorer<O> equalsExpected() {
        return s -> {
            if (s.expected() == null) {
                return Score.fail("the case has no expected value");
            }
            return compare(s.output(), s.expected());
        };
    }

    /**
     * @param expected the value every output must equal
     * @param <O> the output type
     * @return passes when the output equals it (as JSON)
     */
    public static <O> Scorer<O> equalTo(Object expected) {
        return s -> compare(s.output(), expected);
    }

    private static Score compare(Object output, Object expected) {
        JsonValue actual = JsonForms.of(output);
        JsonValue wanted = JsonForms.of(expected);
        return JsonForms.same(actual, wanted)
                ? Score.pass("equals " + shortly(wanted.toString()))
                : Score.fail("expected " + shortly(wanted.toString()) + " but was " + shortly(actual.toString()));
    }

    /**
     * @param substrings what the output's text must contain, each of them
     * @param <O> the output type
     * @return a score of the fraction of substrings found; passes when all are
     */
    public static <O> Scorer<O> contains(String... substrings) {
        List<String> wanted = List.of(substrings);
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("contains needs at least one substring");
        }
        return s -> {
            String text = JsonForms.text(s.output());
            List<String> missing =
                    wanted.stream().filter(w -> !text.contains(w)).toList();
            double value = (wanted.size() - missing.size()) / (double) wanted.size();
            return missing.isEmpty()
                    ? Score.pass("contains " + quoted(wanted))
                    : new Score(value, false, "does not contain " + quoted(missing) + " in " + shortly(text));
        };
    }

    /**
     * @param <O> the output type
     * @return passes when the output's text contains the case's expected value's text
     */
    public static <O> Scorer<O> containsExpected() {
        return s -> {
            if (s.expected() == null) {
                return Score.fail("the case has no expected value");
            }
            String text = JsonForms.text(s.output());
            String wanted = JsonForms.text(s.expected());
            return text.contains(wanted)
                    ? Score.pass("contains \"" + shortly(wanted) + "\"")
                    : Score.fail("does not contain \"" + shortly(wanted) + "\" in " + shortly(text));
        };
    }

    /**
     * @param regex a regular expression ({@link Pattern} syntax) that must be found in the output's
     *     text; anchor it with {@code ^...$} to match the whole text
     * @param <O> the output type
     * @return passes when it is found
     * @throws java.util.regex.PatternSyntaxException if the expression is not valid
     */
    public static <O> Scorer<O> matches(String regex) {
        return matches(Pattern.compile(regex));
    }

    /**
     * @param pattern a pattern that must be found in the output's text
     * @param <O> the output type
     * @return passes when it is found
     */
    public static <O> Scorer<O> matches(Pattern pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return s -> {
            String text = JsonForms.text(s.output());
            return pattern.matcher(text).find()
                    ? Score.pass("matches /" + pattern + "/")
                    : Score.fail("does not match /" + pattern + "/: " + shortly(text));
        };
    }

    /**
     * Holds the output to the JSON Schema of a Java type, as crux-ee holds action input and structured
     * model output: a {@code String} output is parsed as JSON first, any other is taken in its JSON-B
     * form.
     *
     * @param type the type whose schema ({@link JsonSchemas#of(Type)}) the output must fit
     * @param <O> the output type
     * @return passes when the output fits; the explanation lists the violations
     */
    public static <O> Scorer<O> jsonSchema(Type type) {
        return jsonSchema(JsonSchemas.of(type));
    }

    /**
     * @param schema a schema in the form {@link JsonSchemas} makes (the keywords {@link JsonSchemaCheck}
     *     checks: type, enum, properties, required, additionalProperties, items, ranges, formats)
     * @param <O> the output type
     * @return passes when the output fits
     */
    public static <O> Scorer<O> jsonSchema(Map<String, Object> schema) {
        Objects.requireNonNull(schema, "schema");
        return s -> {
            JsonValue json;
            if (s.output() instanceof CharSequence text) {
                try {
                    json = JsonForms.parse(text.toString());
                } catch (JsonParsingException e) {
                    return Score.fail("is not JSON: " + e.getMessage());
                }
            } else {
                json = JsonForms.of(s.output());
            }
            List<Violation> violations = JsonSchemaCheck.check(json, schema);
            return violations.isEmpty()
                    ? Score.pass("fits the schema")
                    : Score.fail("does not fit the schema: "
                            + violations.stream()
                                    .map(v -> (v.field().isEmpty() ? "(root)" : v.field()) + " " + v.message())
                                    .collect(Collectors.joining("; ")));
        };
    }

    /**
     * @param tolerance how far the output may be from the case's expected number, in absolute terms
     * @param <O> the output type
     * @return passes when {@code |output - expected| <= tolerance}; the value falls linearly from 1
     *     at the expected number to 0 at twice the tolerance away. The output and expected value are
     *     numbers or numeric strings
     */
    public static <O> Scorer<O> within(double tolerance) {
        return numeric(tolerance, false);
    }

    /**
     * @param fraction how far the output may be from the case's expected number, relative to it
     *     ({@code 0.05} is 5%)
     * @param <O> the output type
     * @return passes when {@code |output - expected| <= fraction * |expected|}
     */
    public static <O> Scorer<O> withinRelative(double fraction) {
        return numeric(fraction, true);
    }

    private static <O> Scorer<O> numeric(double tolerance, boolean relative) {
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("A tolerance is 0 or more, not " + tolerance);
        }
        return s -> {
            BigDecimal expected = JsonForms.number(s.expected());
            if (expected == null) {
                return Score.fail("the case's expected value is not a number: " + s.expected());
            }
            BigDecimal actual = JsonForms.number(s.output());
            if (actual == null) {
                return Score.fail("the output is not a number: " + shortly(JsonForms.text(s.output())));
            }
            double allowed = relative ? tolerance * expected.abs().doubleValue() : tolerance;
            BigDecimal difference =
                    actual.subtract(expected, MathContext.DECIMAL128).abs();
            double off = difference.doubleValue();
            double value = allowed == 0 ? (off == 0 ? 1 : 0) : Math.max(0, 1 - off / (2 * allowed));
            String explanation =
                    actual.toPlainString() + " is " + difference.toPlainString() + " from " + expected.toPlainString()
                            + " (allowed " + allowed + (relative ? ", " + tolerance * 100 + "%" : "") + ")";
            return new Score(value, off <= allowed, explanation);
        };
    }

    /**
     * An LLM judge with the model of that name in the run's {@link ModelRegistry}: the registry the
     * evaluated {@code FlowTest} was given with {@code service(ModelRegistry.class, ...)}, after the
     * variant configured it. To judge every variant with the same model, give the registry
     * explicitly ({@link #judge(ModelRegistry, String, String)}).
     *
     * @param modelName the judge's chat model
     * @param rubric what a good output is, in plain words
     * @param <O> the output type
     * @return the judge's score, pass and reason; fails with CRUX0306E in its explanation when the run
     *     had no registry
     */
    public static <O> Scorer<O> judge(String modelName, String rubric) {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(rubric, "rubric");
        return s -> s.service(ModelRegistry.class)
                .map(registry -> grade(JudgeGrader.of(registry, modelName), rubric, s))
                .orElseGet(() -> Score.fail(EvalMessages.judgeWithoutRegistry(modelName)));
    }

    /**
     * @param registry where the judge's model is
     * @param modelName the judge's chat model
     * @param rubric what a good output is
     * @param <O> the output type
     * @return the judge's score, pass and reason
     */
    public static <O> Scorer<O> judge(ModelRegistry registry, String modelName, String rubric) {
        return judge(JudgeGrader.of(Objects.requireNonNull(registry, "registry"), modelName), rubric);
    }

    /**
     * @param grader the judge
     * @param rubric what a good output is
     * @param <O> the output type
     * @return what the grader says of the case's input, output and expected value (as text)
     */
    public static <O> Scorer<O> judge(Grader grader, String rubric) {
        Objects.requireNonNull(grader, "grader");
        Objects.requireNonNull(rubric, "rubric");
        return s -> grade(grader, rubric, s);
    }

    private static Score grade(Grader grader, String rubric, Scored<?> s) {
        return grader.grade(
                rubric,
                JsonForms.text(s.input()),
                JsonForms.text(s.output()),
                s.expected() == null ? null : JsonForms.text(s.expected()));
    }

    private static String quoted(List<String> values) {
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    }

    static String shortly(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
