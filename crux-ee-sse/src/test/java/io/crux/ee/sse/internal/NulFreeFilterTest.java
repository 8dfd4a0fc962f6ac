package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.UriInfo;

import org.junit.jupiter.api.Test;

import io.crux.ee.catalog.Messages;

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

    @Test
    void aQueryThatDoesNotDecodeIsRefusedWithItsOwnMessage() {
        // what RESTEasy does with ?limit=%zz: the request's URI and the query's decoding throw, and on
        // Liberty the request became a 500
        UriInfo malformed = uri("flows/runs", "limit=%zz", () -> {
            URLDecoder.decode("%zz", StandardCharsets.UTF_8);
            return new MultivaluedHashMap<>();
        });
        assertThat(NulFreeFilter.refusal(malformed)).isEqualTo(Messages.malformedRequestUri());
        UriInfo decodable = uri("flows/runs", "limit=%zz", MultivaluedHashMap::new);
        assertThat(NulFreeFilter.refusal(decodable))
                .as("the URI alone does not parse")
                .isEqualTo(Messages.malformedRequestUri());
        UriInfo undecodable = uri("flows/runs", "limit=5", () -> {
            URLDecoder.decode("%zz", StandardCharsets.UTF_8);
            return new MultivaluedHashMap<>();
        });
        assertThat(NulFreeFilter.refusal(undecodable))
                .as("the URI parses, the query's decoding throws")
                .isEqualTo(Messages.malformedRequestUri());

        MultivaluedHashMap<String, String> nul = new MultivaluedHashMap<>();
        nul.add("reason", "a\u0000b");
        assertThat(NulFreeFilter.refusal(uri("flows/runs/r1/cancel", "reason=a%00b", () -> nul)))
                .isEqualTo(Messages.nulInRequest());

        MultivaluedHashMap<String, String> fine = new MultivaluedHashMap<>();
        fine.add("limit", "5");
        assertThat(NulFreeFilter.refusal(uri("flows/runs", "limit=5", () -> fine)))
                .isNull();
    }

    /**
     * A UriInfo with this decoded path, whose request URI is parsed from the path and the raw query as
     * RESTEasy parses it, and whose decoded query is what {@code query} gives or throws.
     */
    private static UriInfo uri(String path, String rawQuery, Supplier<MultivaluedHashMap<String, String>> query) {
        return (UriInfo) Proxy.newProxyInstance(
                UriInfo.class.getClassLoader(),
                new Class<?>[] {UriInfo.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestUri" -> URI.create("http://localhost:9080/api/" + path + "?" + rawQuery);
                    case "getQueryParameters" -> query.get();
                    case "getPath" -> path;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
