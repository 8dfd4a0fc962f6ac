package io.crux.ee.sse.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SameOriginFilterTest {

    private static final URI SELF = URI.create("http://localhost:9780/sample/api/devtools/runs/r1/cancel");

    private static Optional<String> decide(String method, String fetchSite, String origin, Set<String> trusted) {
        return SameOriginFilter.refusal(method, fetchSite, origin, SELF, trusted);
    }

    @Test
    void aPostFromAnotherOriginIsRefused() {
        assertEquals(Optional.of("http://evil.example"), decide("POST", null, "http://evil.example", Set.of()));
        assertTrue(decide("DELETE", null, "http://localhost:9781", Set.of()).isPresent(), "another port");
        assertTrue(decide("PUT", null, "https://localhost:9780", Set.of()).isPresent(), "another scheme");
        assertTrue(decide("PATCH", null, "null", Set.of()).isPresent(), "an opaque origin");
    }

    @Test
    void crossSiteFetchIsRefusedEvenWithoutOrigin() {
        assertTrue(decide("POST", "cross-site", null, Set.of()).isPresent());
        assertTrue(
                decide("post", "Cross-Site", "http://localhost:9780", Set.of()).isPresent());
    }

    @Test
    void theServersOwnOriginPasses() {
        assertEquals(Optional.empty(), decide("POST", "same-origin", "http://localhost:9780", Set.of()));
        assertEquals(Optional.empty(), decide("POST", null, "HTTP://LocalHost:9780", Set.of()));
        URI defaultPort = URI.create("https://crux.example/api/runs/r1/cancel");
        assertEquals(
                Optional.empty(),
                SameOriginFilter.refusal("POST", null, "https://crux.example:443", defaultPort, Set.of()));
    }

    @Test
    void aTrustedOriginPasses() {
        Set<String> trusted = SameOriginFilter.parse(" https://ops.example , http://proxy.example:8000,");
        assertEquals(Optional.empty(), decide("POST", "same-site", "https://ops.example", trusted));
        assertEquals(Optional.empty(), decide("POST", null, "http://proxy.example:8000", trusted));
        assertTrue(decide("POST", null, "http://proxy.example", trusted).isPresent(), "port 80 is not 8000");
    }

    @Test
    void aTrustedOriginOfAnotherSitePassesThoughTheBrowserSaysCrossSite() {
        Set<String> trusted = SameOriginFilter.parse("https://ops.example");
        assertEquals(Optional.empty(), decide("POST", "cross-site", "https://ops.example", trusted));
        assertTrue(decide("POST", "cross-site", "https://evil.example", trusted).isPresent());
    }

    @Test
    void theBrowsersSameOriginVerdictPassesBehindAProxyThatChangesSchemeOrHost() {
        // TLS ends at the proxy: the server sees http://localhost:9780, the page is https://app.example
        assertEquals(Optional.empty(), decide("POST", "same-origin", "https://app.example", Set.of()));
        assertEquals(Optional.empty(), decide("POST", "none", null, Set.of()));
        assertTrue(
                decide("POST", "same-site", "https://app.example", Set.of()).isPresent(), "same site, another origin");
    }

    @Test
    void requestsWithoutBrowserHeadersAndSafeMethodsPass() {
        assertEquals(Optional.empty(), decide("POST", null, null, Set.of()));
        assertEquals(Optional.empty(), decide("GET", "cross-site", "http://evil.example", Set.of()));
        assertEquals(Optional.empty(), decide("HEAD", null, "http://evil.example", Set.of()));
        assertEquals(Optional.empty(), decide("OPTIONS", null, "http://evil.example", Set.of()));
    }
}
