package io.crux.ee.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.crux.ee.spi.Payload;

/**
 * A stored value decodes to what was stored, also inside collections and maps: a step that
 * returned {@code List<Plan>} replays a {@code List<Plan>}, not a list of JSON objects.
 */
class JsonbPayloadCodecTest {

    public record Plan(String name, int steps) {}

    public record Page(List<Plan> plans, Optional<String> next) {}

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();

    private Object roundTrip(Object value) {
        Payload p = codec.encode(value);
        return codec.decode(new Payload(p.type(), p.json()), getClass().getClassLoader());
    }

    @Test
    void collectionsAndMapsOfRecordsDecodeToTheirRecords() {
        assertThat(roundTrip(List.of(new Plan("a", 1), new Plan("b", 2))))
                .isEqualTo(List.of(new Plan("a", 1), new Plan("b", 2)));
        assertThat(roundTrip(new ArrayList<>(List.of(new Plan("c", 3))))).isEqualTo(List.of(new Plan("c", 3)));
        assertThat(roundTrip(Set.of(new Plan("d", 4)))).isEqualTo(Set.of(new Plan("d", 4)));
        Map<String, Plan> byName = new LinkedHashMap<>();
        byName.put("e", new Plan("e", 5));
        byName.put("f", new Plan("f", 6));
        assertThat(roundTrip(byName)).isEqualTo(byName);
        assertThat(roundTrip(List.of(List.of(new Plan("g", 7)), List.of())))
                .isEqualTo(List.of(List.of(new Plan("g", 7)), List.of()));
        assertThat(roundTrip(Map.of("h", List.of(new Plan("h", 8))))).isEqualTo(Map.of("h", List.of(new Plan("h", 8))));
    }

    /** An application's own list type. */
    public static class Plans extends java.util.ArrayList<Plan> {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void storedTypesOfEarlierVersionsAndApplicationCollectionsStillDecode() {
        // checkpoints stored before element types were recorded name the JDK's immutable classes
        assertThat(codec.decode(
                        new Payload("java.util.ImmutableCollections$ListN", "[1,2]"),
                        getClass().getClassLoader()))
                .isEqualTo(List.of(new BigDecimal(1), new BigDecimal(2)));
        assertThat(codec.decode(
                        new Payload("java.util.ImmutableCollections$MapN", "{\"a\":true}"),
                        getClass().getClassLoader()))
                .isEqualTo(Map.of("a", true));
        Plans plans = new Plans();
        plans.add(new Plan("j", 10));
        assertThat(codec.encode(plans).type()).isEqualTo(Plans.class.getName());
        assertThat(roundTrip(plans))
                .isInstanceOf(Plans.class)
                .asList()
                .hasSize(1); // its elements as the provider reads them
        assertThat(roundTrip(Map.of(1, new Plan("k", 11)))).isEqualTo(Map.of(1, new Plan("k", 11)));
    }

    @Test
    void aTypeTooLongToStoreFallsBackToItsCollection() {
        Object deep = new Plan("l", 12);
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        Payload p = codec.encode(deep);
        assertThat(p.type()).isEqualTo("java.util.List");
        assertThat(codec.decode(p, getClass().getClassLoader())).isInstanceOf(List.class);
    }

    @Test
    void numbersStringsAndEmptyOrMixedCollectionsKeepTheirTypes() {
        assertThat(roundTrip(List.of(1, 2, 3))).isEqualTo(List.of(1, 2, 3));
        assertThat(roundTrip(List.of(1L, 2L))).isEqualTo(List.of(1L, 2L));
        assertThat(roundTrip(List.of("x", "y"))).isEqualTo(List.of("x", "y"));
        assertThat(roundTrip(List.of())).isEqualTo(List.of());
        assertThat(roundTrip(Map.of())).isEqualTo(Map.of());
        assertThat(roundTrip(new Page(List.of(new Plan("i", 9)), Optional.of("p2"))))
                .isEqualTo(new Page(List.of(new Plan("i", 9)), Optional.of("p2")));
        // no single element type: the elements come back as JSON values
        List<Object> mixed = new ArrayList<>(List.of("one", 2));
        assertThat(roundTrip(mixed)).isEqualTo(List.of("one", new BigDecimal(2)));
    }
}
