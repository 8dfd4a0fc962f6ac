package io.crux.ee.sse.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/** RFC 9457 problem responses for failures found by the resources themselves. */
public final class Problems {

    /** The problem media type. */
    public static final String PROBLEM_JSON = "application/problem+json";

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
        return Response.status(status).type(PROBLEM_JSON).entity(body).build();
    }

    /** @param detail what was not found @return a 404 problem */
    public static WebApplicationException notFound(String detail) {
        return problem(404, "Not Found", detail);
    }
}
