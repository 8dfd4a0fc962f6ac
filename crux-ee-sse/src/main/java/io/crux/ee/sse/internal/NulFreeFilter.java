package io.crux.ee.sse.internal;

import java.util.Collection;
import java.util.List;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;

import io.crux.ee.catalog.Messages;

/**
 * Refuses with 400 a request whose decoded path or query holds U+0000 ({@code %00}). Ids, names and
 * reasons from there reach the database as text, and PostgreSQL's text cannot hold that character:
 * the statement would fail, and the client would get a 500 for its own malformed request.
 */
@Provider
@NulFree
public class NulFreeFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        if (holdsNul(List.of(uri.getPath(true))) || holdsNul(uri.getQueryParameters(true))) {
            request.abortWith(Problems.response(400, "Bad Request", Messages.nulInRequest()));
        }
    }

    static boolean holdsNul(MultivaluedMap<String, String> parameters) {
        return holdsNul(parameters.keySet()) || parameters.values().stream().anyMatch(NulFreeFilter::holdsNul);
    }

    static boolean holdsNul(Collection<String> texts) {
        return texts.stream().anyMatch(t -> t != null && t.indexOf('\u0000') >= 0);
    }
}
