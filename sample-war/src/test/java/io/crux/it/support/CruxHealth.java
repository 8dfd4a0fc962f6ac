package io.crux.it.support;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** crux-ee's check in a server's MicroProfile Health responses. */
public final class CruxHealth {

    private CruxHealth() {}

    /** @return crux-ee's check in a health response (the server may report checks of its own beside it) */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> check(String body) {
        List<Object> checks = (List<Object>) Json.object(body).get("checks");
        return checks == null
                ? Optional.empty()
                : checks.stream()
                        .map(c -> (Map<String, Object>) c)
                        .filter(c -> "crux-ee".equals(c.get("name")))
                        .findFirst();
    }

    /** @return the check's data, or none */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> data(Map<String, Object> check) {
        return (Map<String, Object>) check.getOrDefault("data", Map.of());
    }

    /** @return the node id the server's crux-ee runs as, from its liveness check */
    public static String node(AppServer server) {
        String body =
                server.getAbsolute(server.healthUrl("live"), "application/json").body();
        return check(body)
                .map(c -> (String) data(c).get("node"))
                .orElseThrow(() -> new AssertionError("no crux-ee liveness check in " + body));
    }
}
