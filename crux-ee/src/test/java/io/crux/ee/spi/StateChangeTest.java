package io.crux.ee.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The reference meaning of the named state changes, which every store must give. */
class StateChangeTest {

    @Test
    void namedChangesOnADocument() {
        Map<String, Object> doc = new HashMap<>();
        doc.put("half", new BigDecimal("2.5"));
        doc.put("empty", null);

        assertThat(new StateChange.Increment("n", 3).applyTo("session", doc)).isEqualTo(3L);
        assertThat(new StateChange.Increment("half", -4).applyTo("session", doc))
                .isEqualTo(-2L);
        assertThat(new StateChange.Increment("empty", 1).applyTo("session", doc))
                .isEqualTo(1L);
        assertThat(new StateChange.Append("log", "a").applyTo("session", doc)).isEqualTo(1);
        assertThat(new StateChange.Append("log", List.of("b")).applyTo("session", doc))
                .isEqualTo(2);
        Map<String, Object> patch = new HashMap<>();
        patch.put("name", "crux");
        patch.put("n", null);
        assertThat(new StateChange.Patch(patch).applyTo("session", doc)).isNull();
        assertThat(new StateChange.Patch(patch).keys()).containsExactlyInAnyOrder("name", "n");
        assertThat(new StateChange.Remove("name").applyTo("session", doc)).isTrue();
        assertThat(new StateChange.Remove("name").applyTo("session", doc)).isFalse();

        assertThat(doc).containsOnlyKeys("half", "empty", "log");
        assertThat(doc.get("log")).isEqualTo(List.of("a", List.of("b")));
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedWithItsScopeAndKey() {
        Map<String, Object> doc = new HashMap<>(Map.of("name", "crux", "n", 1L));

        assertThatThrownBy(() -> new StateChange.Increment("name", 1).applyTo("user", doc))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the value of 'name' in the user state is not a number: crux");
        assertThatThrownBy(() -> new StateChange.Append("n", 2).applyTo("project", doc))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the value of 'n' in the project state is not a list: 1");
        assertThat(doc).isEqualTo(Map.of("name", "crux", "n", 1L));
    }
}
