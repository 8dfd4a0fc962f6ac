package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedHashMap;

import org.junit.jupiter.api.Test;

class NulFreeFilterTest {

    @Test
    void findsTheCharacterInAPathOrAnyNameOrValueOfTheQuery() {
        assertThat(NulFreeFilter.holdsNul(List.of("flows/runs/abc/cancel"))).isFalse();
        assertThat(NulFreeFilter.holdsNul(List.of("flows/runs/a\u0000b/cancel")))
                .isTrue();

        MultivaluedHashMap<String, String> query = new MultivaluedHashMap<>();
        query.add("reason", "no longer needed");
        query.add("limit", "5");
        assertThat(NulFreeFilter.holdsNul(query)).isFalse();
        query.add("reason", "second\u0000value");
        assertThat(NulFreeFilter.holdsNul(query)).isTrue();

        MultivaluedHashMap<String, String> name = new MultivaluedHashMap<>();
        name.add("x\u0000", "ok");
        assertThat(NulFreeFilter.holdsNul(name)).isTrue();
    }
}
