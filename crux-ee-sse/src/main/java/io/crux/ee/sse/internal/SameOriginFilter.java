package io.crux.ee.sse.internal;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.ext.Provider;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.catalog.Messages;

/**
 * Refuses a POST, PUT, PATCH or DELETE that a browser sends from another site (cross-site request
 * forgery): a page elsewhere can submit a {@code <form method=POST>} to a resource that takes no
 * body, and the browser adds the BASIC login it holds for this server.
 *
 * <p>Refused with 403 (CRUX0106E): {@code Sec-Fetch-Site: cross-site}, or an {@code Origin} header
 * that is neither the request's own origin (scheme, host and port as the server sees them) nor one
 * of {@code crux.http.trusted-origins} (comma-separated, for pages served through a reverse proxy
 * under another origin). A request without these headers (curl, a server's HTTP client) passes:
 * browsers send them, and other clients carry no ambient login to abuse.
 */
@Provider
@SameOrigin
@Priority(Priorities.AUTHENTICATION - 100)
public class SameOriginFilter implements ContainerRequestFilter {

    private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final Set<String> trusted = trustedOrigins();

    @Override
    public void filter(ContainerRequestContext request) {
        refusal(
                        request.getMethod(),
                        request.getHeaderString("Sec-Fetch-Site"),
                        request.getHeaderString("Origin"),
                        request.getUriInfo().getRequestUri(),
                        trusted)
                .ifPresent(from -> request.abortWith(
                        Problems.response(403, "Forbidden", Messages.crossSiteRefused(request.getMethod(), from))));
    }

    /**
     * The decision, apart from the request.
     *
     * @param method the HTTP method
     * @param fetchSite the {@code Sec-Fetch-Site} header, or null
     * @param origin the {@code Origin} header, or null
     * @param requestUri the request's URI as the server sees it
     * @param trusted further origins allowed, normalized by {@link #origin(String)}
     * @return what the request came from when it is refused; empty when it passes
     */
    static Optional<String> refusal(
            String method, String fetchSite, String origin, URI requestUri, Set<String> trusted) {
        if (method == null || !UNSAFE.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String site = fetchSite == null ? "" : fetchSite.trim().toLowerCase(Locale.ROOT);
        String from = origin == null ? null : origin(origin);
        if (from != null && trusted.contains(from)) {
            return Optional.empty(); // listed: a page of another site that the application trusts
        }
        if (site.equals("same-origin") || site.equals("none")) {
            // the browser's own verdict, which no page can forge: behind a proxy that terminates TLS
            // or rewrites Host, the request's URI as the server sees it is not the page's origin
            return Optional.empty();
        }
        if (site.equals("cross-site")) {
            return Optional.of(origin == null ? "Sec-Fetch-Site: cross-site" : origin);
        }
        if (origin == null) {
            return Optional.empty();
        }
        if (from != null && from.equals(origin(requestUri))) {
            return Optional.empty();
        }
        return Optional.of(origin);
    }

    /** @return scheme://host:port with the default port written out, or null when it is not an origin */
    static String origin(String text) {
        try {
            return origin(new URI(text.trim()));
        } catch (java.net.URISyntaxException notAnOrigin) { // "null" from a sandboxed page, or garbage
            return null;
        }
    }

    private static String origin(URI uri) {
        if (uri.getScheme() == null || uri.getHost() == null) {
            return null;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        if (port < 0) {
            port = switch (scheme) {
                case "http" -> 80;
                case "https" -> 443;
                default -> -1;
            };
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** @return {@code crux.http.trusted-origins}, normalized; empty outside a server without Config */
    static Set<String> trustedOrigins() {
        String list;
        try {
            list = ConfigProvider.getConfig()
                    .getOptionalValue("crux.http.trusted-origins", String.class)
                    .orElse("");
        } catch (IllegalStateException noConfig) {
            list = "";
        }
        return parse(list);
    }

    static Set<String> parse(String list) {
        return Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(SameOriginFilter::origin)
                .filter(o -> o != null)
                .collect(Collectors.toUnmodifiableSet());
    }
}
