package io.crux.ee.sse.internal;

import java.util.Collection;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;

import io.crux.ee.catalog.Messages;

/**
 * Refuses with 400 a request whose path or query does not decode to text crux-ee can store: a URI
 * that does not parse (a malformed percent-escape), or a decoded path or query holding U+0000
 * ({@code %00}).
 *
 * <p>Ids, names and reasons from there reach the database as text, and PostgreSQL's text cannot hold
 * U+0000: the statement would fail. A malformed escape ({@code ?limit=%zz}) makes the request's URI
 * and the query's decoding throw; on Open Liberty RESTEasy's default exception mapper then fails too,
 * reading that URI, and the servlet answers 500. Either way the client would get a 500 for its own
 * malformed request. It runs before crux-ee's other filters, which read the request's URI.
 */
@Provider
@NulFree
@Priority(Priorities.AUTHENTICATION - 200)
public class NulFreeFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        String refusal = refusal(request.getUriInfo());
        if (refusal != null) {
            request.abortWith(Problems.response(400, "Bad Request", refusal));
        }
    }

    /** @return why a request with this path and query is refused, or null if it is not */
    static String refusal(UriInfo uri) {
        MultivaluedMap<String, String> query;
        try {
            uri.getRequestUri(); // java.net.URI's parse, which SameOriginFilter and exception mappers need
            query = uri.getQueryParameters(true);
        } catch (IllegalArgumentException malformed) { // URI's or URLDecoder's, under RESTEasy and Jersey alike
            return Messages.malformedRequestUri();
        }
        return holdsNul(List.of(uri.getPath(true))) || holdsNul(query) ? Messages.nulInRequest() : null;
    }

    static boolean holdsNul(MultivaluedMap<String, String> parameters) {
        return holdsNul(parameters.keySet()) || parameters.values().stream().anyMatch(NulFreeFilter::holdsNul);
    }

    static boolean holdsNul(Collection<String> texts) {
        return texts.stream().anyMatch(t -> t != null && t.indexOf('\u0000') >= 0);
    }
}
