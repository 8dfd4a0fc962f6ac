package io.crux.ee.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.InvalidInputException.Violation;

/** The strict check of parsed JSON against the schema of its Java type, before JSON-B binds it. */
class JsonSchemaCheckTest {

    public record Text(String text) {}

    public record Flag(boolean approved) {}

    public record Numbers(int i, long l, short s, byte b, Integer boxed, BigInteger big) {}

    public record Decimals(double d, float f, BigDecimal amount) {}

    public record Capped(
            @Max(Long.MAX_VALUE) int n,
            @DecimalMax("1e400") double d,
            @Min(-5) byte b) {}

    public record Optionals(OptionalInt i, OptionalLong l, OptionalDouble d, Double boxed, Float small) {}

    public enum Color {
        RED,
        GREEN
    }

    public record Painted(@NotNull Color color) {}

    public record Times(Instant at, LocalDate day) {}

    public record Line(@NotNull String sku, @Max(10) int quantity) {}

    public record Order(
            @NotNull List<Line> lines,
            Set<String> tags,
            Map<String, Integer> counts,
            Optional<String> note,
            String[] codes) {}

    public record Node(String name, List<Node> children) {}

    /** A bean, as JSON-B binds it through setters and public fields. */
    public static class Bean {
        public int size;
        private String name;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    private static JsonValue json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    private static List<Violation> check(String json, Type type) {
        return JsonSchemaCheck.check(json(json), type);
    }

    private static List<String> pointers(String json, Type type) {
        return check(json, type).stream().map(Violation::pointer).toList();
    }

    @Test
    void aStringIsNotANumberAndANumberIsNotAString() {
        assertThat(check("{\"text\":12345}", Text.class)).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo("/text");
            assertThat(v.field()).isEqualTo("text");
            assertThat(v.message()).contains("expected string").contains("number");
        });
        assertThat(check("{\"text\":\"12345\"}", Text.class)).isEmpty();
        assertThat(pointers("{\"amount\":\"12.5\"}", Decimals.class)).containsExactly("/amount");
        assertThat(check("{\"amount\":12.5,\"d\":1e3,\"f\":-2}", Decimals.class))
                .isEmpty();
    }

    @Test
    void onlyTrueAndFalseAreBooleans() {
        assertThat(pointers("{\"approved\":\"yes\"}", Flag.class)).containsExactly("/approved");
        assertThat(pointers("{\"approved\":1}", Flag.class)).containsExactly("/approved");
        assertThat(pointers("{\"approved\":null}", Flag.class))
                .as("a primitive is never null")
                .containsExactly("/approved");
        assertThat(check("{\"approved\":true}", Flag.class)).isEmpty();
    }

    @Test
    void integralTypesRefuseFractionsAndValuesOutOfTheirRange() {
        assertThat(check("{\"i\":1.9}", Numbers.class))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("expected integer, got number 1.9"));
        assertThat(pointers("{\"i\":4294967297}", Numbers.class)).containsExactly("/i");
        assertThat(pointers("{\"s\":40000,\"b\":128,\"boxed\":2147483648}", Numbers.class))
                .containsExactly("/s", "/b", "/boxed");
        assertThat(pointers("{\"l\":9223372036854775808}", Numbers.class)).containsExactly("/l");
        assertThat(pointers("{\"i\":\"3\"}", Numbers.class)).containsExactly("/i");
        assertThat(check(
                        "{\"i\":2.0,\"l\":-9223372036854775808,\"s\":-32768,\"b\":127,\"boxed\":null,"
                                + "\"big\":123456789012345678901234567890}",
                        Numbers.class))
                .isEmpty();
    }

    @Test
    void floatingTypesRefuseWhatTheyWouldHoldAsInfinity() {
        // JSON-B reads 1e999 into a double as Infinity, which no JSON can store afterwards
        assertThat(check("{\"d\":1e999}", Decimals.class))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("must be less than or equal to " + Double.MAX_VALUE));
        assertThat(pointers("{\"d\":-1e999,\"f\":1e39}", Decimals.class)).containsExactly("/d", "/f");
        assertThat(pointers("{\"d\":1.7976931348623157e308,\"f\":-3.4028235e38,\"amount\":1e999}", Decimals.class))
                .as("the largest values are taken, and a BigDecimal holds any")
                .isEmpty();
        assertThat(pointers("{\"d\":4.9e-324,\"f\":1e-50}", Decimals.class))
                .as("a value too small to hold reads as zero, as JSON parsers read it")
                .isEmpty();
        assertThat(pointers("{\"boxed\":1e309,\"small\":-1e39,\"d\":1e309}", Optionals.class))
                .containsExactly("/boxed", "/small", "/d");
    }

    @Test
    void aConstraintNarrowsTheTypesRangeButNeverWidensIt() {
        assertThat(pointers("{\"n\":2147483648,\"d\":1e399,\"b\":-6}", Capped.class))
                .containsExactly("/n", "/d", "/b");
        assertThat(check("{\"n\":2147483647,\"d\":1e308,\"b\":-5}", Capped.class))
                .isEmpty();
    }

    @Test
    void optionalIntegralTypesRefuseValuesOutOfTheirRange() {
        // JSON-B would keep the low bits of 1e20 in an OptionalLong: 7766279631452241920
        assertThat(pointers("{\"i\":2147483648,\"l\":1e20}", Optionals.class)).containsExactly("/i", "/l");
        assertThat(pointers("{\"i\":2.5}", Optionals.class)).containsExactly("/i");
        assertThat(check("{\"i\":-2147483648,\"l\":9223372036854775807,\"d\":0.5}", Optionals.class))
                .isEmpty();
    }

    @Test
    void unknownPropertiesAreRefused() {
        assertThat(check("{\"text\":\"a\",\"extra\":1}", Text.class))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.pointer()).isEqualTo("/extra");
                    assertThat(v.message()).contains("not a known property").contains("[text]");
                });
    }

    @Test
    void requiredAndNullableAreWhatTheSchemaSays() {
        assertThat(check("{\"sku\":\"a\"}", Line.class)).isEmpty();
        assertThat(check("{\"quantity\":1}", Line.class))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("is required"));
        assertThat(pointers("{\"sku\":null}", Line.class)).containsExactly("/sku");
        assertThat(check("{\"text\":null}", Text.class))
                .as("an optional reference may be null")
                .isEmpty();
        assertThat(check("{}", Text.class)).isEmpty();
    }

    @Test
    void anEmptyOrNullBodyIsRefusedForAnObjectAndAcceptedForVoid() {
        assertThat(check("null", Text.class)).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEmpty();
            assertThat(v.message()).contains("must not be null");
        });
        assertThat(JsonSchemaCheck.check(null, Text.class)).hasSize(1);
        assertThat(check("null", Void.class)).isEmpty();
        assertThat(check("{}", Void.class)).hasSize(1);
    }

    @Test
    void enumsTakeTheirNamesOnly() {
        assertThat(check("{\"color\":\"RED\"}", Painted.class)).isEmpty();
        assertThat(check("{\"color\":\"PURPLE\"}", Painted.class))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).contains("[RED, GREEN]"));
        assertThat(pointers("{\"color\":0}", Painted.class)).containsExactly("/color");
    }

    @Test
    void timesAreStringsInTheirIsoForm() {
        assertThat(check("{\"at\":\"2026-12-04T10:15:30Z\",\"day\":\"2026-12-04\"}", Times.class))
                .isEmpty();
        assertThat(pointers("{\"at\":\"yesterday\",\"day\":\"2026-13-40\"}", Times.class))
                .containsExactly("/at", "/day");
        assertThat(pointers("{\"at\":1733300000}", Times.class)).containsExactly("/at");
    }

    @Test
    void nestedCollectionsMapsAndOptionalsAreCheckedWithPointersToTheWrongPlace() {
        String wrong = "{\"lines\":[{\"sku\":\"a\",\"quantity\":1},{\"sku\":7,\"quantity\":11}],\"tags\":[\"x\",\"x\"],"
                + "\"counts\":{\"a/b\":1.5},\"note\":5,\"codes\":[true]}";

        List<Violation> violations = check(wrong, Order.class);

        assertThat(violations)
                .extracting(Violation::pointer)
                .containsExactly("/lines/1/sku", "/lines/1/quantity", "/tags", "/counts/a~1b", "/note", "/codes/0");
        assertThat(violations.get(0).field()).isEqualTo("lines[1].sku");
        assertThat(check(
                        "{\"lines\":[],\"tags\":[\"x\"],\"counts\":{\"a\":1},\"note\":\"n\",\"codes\":[\"c\"]}",
                        Order.class))
                .isEmpty();
        assertThat(check("{\"lines\":[],\"note\":null}", Order.class)).isEmpty();
        assertThat(pointers("{\"lines\":{}}", Order.class)).containsExactly("/lines");
    }

    @Test
    void beansAreCheckedThroughTheirPropertiesAndPublicFields() {
        assertThat(check("{\"size\":3,\"name\":\"n\"}", Bean.class)).isEmpty();
        assertThat(pointers("{\"size\":\"3\",\"name\":4,\"other\":true}", Bean.class))
                .containsExactly("/size", "/name", "/other");
    }

    @Test
    void deepNestingIsRefusedAtTheLimitWithoutRecursingFurther() {
        String deep = "[".repeat(900) + "]".repeat(900);
        List<Violation> violations = JsonSchemaCheck.check(
                json("{\"name\":\"a\",\"children\":[{\"children\":[]}]}"), JsonSchemas.of(Node.class), 2);
        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo("/children/0/children");
            assertThat(v.message()).startsWith("CRUX0100E");
        });
        assertThat(check("{\"anything\":" + deep + "}", Map.class))
                .singleElement()
                .satisfies(v -> assertThat(v.message()).startsWith("CRUX0100E"));
    }
}
