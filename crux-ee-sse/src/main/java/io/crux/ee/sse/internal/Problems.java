package io.crux.ee.sse.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.ConfigProvider;

/** RFC 9457 problem responses for failures found by the resources themselves. */
public final class Problems {

    /** The problem media type. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final String DEFAULT_CHALLENGE = "Basic realm=\"crux\"";

    private Problems() {}

    /**
     * @param status the HTTP status
     * @param title a short title
     * @param detail what happened
     * @return an exception carrying the problem response
     */
    public static WebApplicationException problem(int status, String title, String detail) {
        return new WebApplicationException(detail, response(status, title, detail));
    }

    static Response response(int status, String title, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        Response.ResponseBuilder response =
                Response.status(status).type(PROBLEM_JSON).entity(body);
        if (status == 401) {
            challenge().ifPresent(c -> response.header("WWW-Authenticate", c));
        }
        return response.build();
    }

    /**
     * The challenge a 401 carries (RFC 9110 asks for one), {@code crux.http.auth-challenge}: by default
     * {@code Basic realm="crux"}, the sample's login realm. A browser that signed in to that realm (the
     * devtools page, through the container's BASIC login) answers it with the credentials it holds, so
     * one login serves the page and the API whatever path it was given for; {@code none} sends none.
     */
    static Optional<String> challenge() {
        String challenge;
        try {
            challenge = ConfigProvider.getConfig()
                    .getOptionalValue("crux.http.auth-challenge", String.class)
                    .orElse(DEFAULT_CHALLENGE);
        } catch (IllegalStateException noConfig) { // outside a server, without a Config implementation
            challenge = DEFAULT_CHALLENGE;
        }
        return "none".equalsIgnoreCase(challenge.trim()) ? Optional.empty() : Optional.of(challenge);
    }

    /** @param detail what was not found @return a 404 problem */
    public static WebApplicationException notFound(String detail) {
        return problem(404, "Not Found", detail);
    }
}
