package io.crux.ee.codec;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.catalog.Messages;

/**
 * Holds parsed JSON to the schema of a Java type ({@link JsonSchemas}) before JSON-B binds it, so
 * that none of JSON-B's lenient conversions decides: a number is not a string, {@code "yes"} is
 * not a boolean, {@code 1.9} and {@code 4294967297} are not an {@code int}, {@code "12.5"} is not
 * a {@code BigDecimal}, unknown properties and missing required ones are errors, {@code null} is
 * accepted only where the schema lists it, and nesting deeper than {@code crux.input.max-depth}
 * (default 64) is refused without recursing further.
 *
 * <p>It checks {@code type}, {@code enum}, {@code properties}, {@code required},
 * {@code additionalProperties}, {@code items}, {@code uniqueItems}, the range keywords (the
 * ranges of integral types and {@code @Min}/{@code @Max}) and the time formats. The length and
 * item counts, {@code pattern} and {@code email} come from Bean Validation constraints and are
 * left to Bean Validation, which runs on the bound value next with its own messages.
 *
 * <p>Thread-safe and stateless.
 */
public final class JsonSchemaCheck {

    /** The nesting depth allowed when {@code crux.input.max-depth} is not configured. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private JsonSchemaCheck() {}

    /**
     * @param value the parsed JSON
     * @param type the Java type it is to become
     * @return the violations, one per wrong place, in document order; empty when the value fits
     */
    public static List<Violation> check(JsonValue value, Type type) {
        return check(value, JsonSchemas.of(type));
    }

    /**
     * @param value the parsed JSON
     * @param schema a schema made by {@link JsonSchemas}
     * @return the violations, one per wrong place, in document order; empty when the value fits
     */
    public static List<Violation> check(JsonValue value, Map<String, Object> schema) {
        return check(value, schema, MaxDepth.VALUE);
    }

    /**
     * @param value the parsed JSON
     * @param schema a schema made by {@link JsonSchemas}
     * @param maxDepth how many levels of arrays and objects are allowed
     * @return the violations, one per wrong place, in document order; empty when the value fits
     */
    public static List<Violation> check(JsonValue value, Map<String, Object> schema, int maxDepth) {
        List<Violation> violations = new ArrayList<>();
        new Walk(maxDepth, violations).check(value == null ? JsonValue.NULL : value, schema, "", "", 0);
        return violations;
    }

    /** @return the nesting depth allowed by {@code crux.input.max-depth} */
    public static int maxDepth() {
        return MaxDepth.VALUE;
    }

    private static final class MaxDepth {
        static final int VALUE = read();

        private static int read() {
            try {
                return ConfigProvider.getConfig()
                        .getOptionalValue("crux.input.max-depth", Integer.class)
                        .orElse(DEFAULT_MAX_DEPTH);
            } catch (IllegalStateException | LinkageError | IllegalArgumentException noConfig) {
                return DEFAULT_MAX_DEPTH; // plain Java without a MicroProfile Config implementation
            }
        }
    }

    private record Walk(int maxDepth, List<Violation> out) {

        @SuppressWarnings("unchecked")
        void check(JsonValue value, Map<String, Object> schema, String pointer, String field, int depth) {
            if (depth > maxDepth) {
                fail(pointer, field, Messages.inputTooDeep(maxDepth));
                return;
            }
            String actual = typeOf(value);
            List<String> allowed = types(schema.get("type"));
            if (!allowed.isEmpty()
                    && !allowed.contains(actual)
                    && !(actual.equals("integer") && allowed.contains("number"))) {
                String expected = String.join(" or ", allowed);
                fail(
                        pointer,
                        field,
                        value.getValueType() == JsonValue.ValueType.NULL
                                ? "must not be null, expected " + expected
                                : "expected " + expected + ", got " + (actual.equals("integer") ? "number" : actual)
                                        + " " + shortly(value));
                return;
            }
            if (schema.get("enum") instanceof Collection<?> values
                    && value instanceof JsonString s
                    && !values.contains(s.getString())) {
                fail(pointer, field, "must be one of " + values);
            }
            switch (value.getValueType()) {
                case STRING -> string(((JsonString) value).getString(), schema, pointer, field);
                case NUMBER -> number(((JsonNumber) value).bigDecimalValue(), schema, pointer, field);
                case ARRAY -> array((JsonArray) value, schema, pointer, field, depth);
                case OBJECT -> object((JsonObject) value, schema, pointer, field, depth);
                default -> {}
            }
        }

        private void string(String s, Map<String, Object> schema, String pointer, String field) {
            if (schema.get("format") instanceof String format && !formatted(s, format)) {
                fail(pointer, field, "is not a " + format + " in ISO-8601 form: " + shortly(s));
            }
        }

        private void number(BigDecimal n, Map<String, Object> schema, String pointer, String field) {
            bound(n, schema.get("minimum"), true, false, pointer, field);
            bound(n, schema.get("maximum"), false, false, pointer, field);
            bound(n, schema.get("exclusiveMinimum"), true, true, pointer, field);
            bound(n, schema.get("exclusiveMaximum"), false, true, pointer, field);
        }

        private void bound(BigDecimal n, Object limit, boolean lower, boolean exclusive, String pointer, String field) {
            if (!(limit instanceof Number l)) {
                return;
            }
            int c = n.compareTo(new BigDecimal(l.toString()));
            boolean ok = lower ? (exclusive ? c > 0 : c >= 0) : (exclusive ? c < 0 : c <= 0);
            if (!ok) {
                fail(
                        pointer,
                        field,
                        "must be " + (lower ? "greater than " : "less than ") + (exclusive ? "" : "or equal to ") + l);
            }
        }

        @SuppressWarnings("unchecked")
        private void array(JsonArray array, Map<String, Object> schema, String pointer, String field, int depth) {
            if (Boolean.TRUE.equals(schema.get("uniqueItems")) && new HashSet<>(array).size() < array.size()) {
                fail(pointer, field, "must not repeat an item");
            }
            Map<String, Object> items = schema.get("items") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            for (int i = 0; i < array.size(); i++) {
                check(array.get(i), items, pointer + "/" + i, field + "[" + i + "]", depth + 1);
            }
        }

        @SuppressWarnings("unchecked")
        private void object(JsonObject object, Map<String, Object> schema, String pointer, String field, int depth) {
            Map<String, Object> properties =
                    schema.get("properties") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            if (schema.get("required") instanceof Collection<?> required) {
                for (Object name : required) {
                    if (!object.containsKey((String) name)) {
                        fail(pointer + "/" + escape((String) name), path(field, (String) name), "is required");
                    }
                }
            }
            Object additional = schema.get("additionalProperties");
            for (Map.Entry<String, JsonValue> e : object.entrySet()) {
                String p = pointer + "/" + escape(e.getKey());
                String f = path(field, e.getKey());
                if (properties.get(e.getKey()) instanceof Map<?, ?> property) {
                    check(e.getValue(), (Map<String, Object>) property, p, f, depth + 1);
                } else if (Boolean.FALSE.equals(additional)) {
                    fail(p, f, "is not a known property; known are " + properties.keySet());
                } else {
                    check(
                            e.getValue(),
                            additional instanceof Map<?, ?> a ? (Map<String, Object>) a : Map.of(),
                            p,
                            f,
                            depth + 1);
                }
            }
        }

        private void fail(String pointer, String field, String message) {
            out.add(new Violation(field, message, pointer));
        }
    }

    private static boolean formatted(String s, String format) {
        try {
            switch (format) {
                case "date-time" -> OffsetDateTime.parse(s);
                case "date" -> LocalDate.parse(s);
                case "time" -> LocalTime.parse(s);
                case "local-date-time" -> LocalDateTime.parse(s);
                case "duration" -> Duration.parse(s);
                default -> {}
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static List<String> types(Object type) {
        if (type instanceof String t) {
            return List.of(t);
        }
        if (type instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private static String typeOf(JsonValue value) {
        return switch (value.getValueType()) {
            case NULL -> "null";
            case TRUE, FALSE -> "boolean";
            case STRING -> "string";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NUMBER ->
                ((JsonNumber) value).bigDecimalValue().stripTrailingZeros().scale() <= 0 ? "integer" : "number";
        };
    }

    private static String shortly(Object value) {
        String s = value instanceof JsonValue v && !(v instanceof JsonArray) && !(v instanceof JsonObject)
                ? v.toString()
                : value instanceof String str ? "\"" + str + "\"" : "";
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static String path(String field, String name) {
        return field.isEmpty() ? name : field + "." + name;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
