package io.crux.ee.sse.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.annotation.Priority;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.crux.ee.catalog.Messages;

/**
 * Checks BASIC credentials that come with a request to an unprotected resource when the container
 * did not, so that the request has its user on every server.
 *
 * <p>crux-ee's resources have no security constraint: a request without credentials is anonymous,
 * and one with them acts as their user. Open Liberty checks credentials sent to an unprotected
 * resource ({@code useAuthenticationDataForUnprotectedResource}); Payara (GlassFish's web container)
 * authenticates only where a constraint asks for it, so the request would stay anonymous. Where
 * no user is set and an {@code Authorization: Basic} header is present, this filter logs in with
 * the standard {@link HttpServletRequest#login}, against the realm of the application's
 * {@code <login-config>}; wrong credentials answer 401. Outside a servlet container it does nothing.
 */
@Provider
@BasicLogin
@Priority(Priorities.AUTHENTICATION)
public class BasicLoginFilter implements ContainerRequestFilter {

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getSecurityContext() == null
                || request.getSecurityContext().getUserPrincipal() != null
                || servletRequest == null) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return;
        }
        String credentials;
        try {
            credentials =
                    new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            credentials = "";
        }
        int colon = credentials.indexOf(':');
        try {
            if (colon < 0) {
                throw new ServletException("no user:password");
            }
            servletRequest.login(credentials.substring(0, colon), credentials.substring(colon + 1));
        } catch (ServletException refused) {
            request.abortWith(Problems.response(401, "Unauthorized", Messages.credentialsRefused()));
        }
    }
}
