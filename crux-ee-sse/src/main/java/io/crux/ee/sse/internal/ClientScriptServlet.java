package io.crux.ee.sse.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Serves crux-ee's browser client (client.js, react.js and the vendored SSE parser) from this jar, so
 * that every WAR with crux-ee-sse has it, and the devtools page below {@code devtools/}. {@code
 * web-fragment.xml} maps it at {@code /crux/*}; an application moves it with its own {@code
 * <servlet-mapping>} of {@code crux-client} in {@code web.xml}, which replaces the fragment's mapping
 * (Servlet 6.0, section 8.2.3). A servlet rather than {@code META-INF/resources}, whose path an
 * application cannot change, and which could not keep the devtools to operators. The modules import
 * each other relatively, so they work under any path.
 *
 * <p>The devtools page ({@code devtools/}) answers 404 unless {@code crux.devtools.enabled} is true,
 * asks for a login when no user comes with the request (the container's login of the application's
 * {@code <login-config>}: a BASIC challenge, or its login page), and answers 403 to a user outside
 * the operator role ({@code crux.http.operator-role}, default {@code crux-operator}). Its page finds
 * the devtools API at the context root plus {@code crux.devtools.api-path} (default {@code /api}, the
 * application's Jakarta REST path).
 */
public class ClientScriptServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The files it serves, by path below its mapping; nothing else of the class path is reachable. */
    private static final Set<String> FILES = Set.of("/client.js", "/react.js", "/vendor/eventsource-parser.js");

    /** The devtools page's files, by path below {@code /devtools}; {@code /} is the page. */
    private static final Map<String, String> DEVTOOLS = Map.of(
            "/", "text/html;charset=UTF-8",
            "/app.js", "text/javascript;charset=UTF-8",
            "/model.js", "text/javascript;charset=UTF-8",
            "/live.js", "text/javascript;charset=UTF-8",
            "/devtools.css", "text/css;charset=UTF-8");

    private static final String DEVTOOLS_PREFIX = "/devtools";

    /**
     * When this class was loaded, to the second (HTTP dates have no milliseconds): the files change
     * only with the jar, and a new jar is a new deployment, which loads this class again. The jar
     * entry's own time is not used: reading it opens the jar through a URL connection whose caching
     * differs between servers (and keeps the file locked on some).
     */
    private static final long LOADED = System.currentTimeMillis() / 1000 * 1000;

    /** {@code crux.devtools.enabled}; read in {@link #init()} ({@link DevtoolsAccess}, as the API). */
    boolean devtoolsEnabled;

    /** {@code crux.http.operator-role}; read in {@link #init()}. */
    String operatorRole = "crux-operator";

    /** {@code crux.devtools.api-path}: the Jakarta REST path below the context root. */
    String apiPath = "/api";

    @Override
    public void init() throws ServletException {
        super.init();
        devtoolsEnabled = DevtoolsAccess.enabled();
        operatorRole = DevtoolsAccess.operatorRole();
        apiPath = ConfigProvider.getConfig()
                .getOptionalValue("crux.devtools.api-path", String.class)
                .orElse("/api");
    }

    /**
     * Keeps the devtools to operators before anything else, a browser's revalidation included
     * (HttpServlet.service answers 304 from getLastModified without calling doGet).
     */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String path = request.getPathInfo();
        if (path != null && (path.equals(DEVTOOLS_PREFIX) || path.startsWith(DEVTOOLS_PREFIX + "/"))) {
            if (!admitted(request, response)) {
                return;
            }
            if (path.equals(DEVTOOLS_PREFIX)) {
                // the page's modules are relative to it: /crux/devtools/, not /crux/devtools
                response.sendRedirect(request.getRequestURI() + "/");
                return;
            }
        }
        super.service(request, response);
    }

    /**
     * Whether the devtools answer this request, by the API's rule ({@link DevtoolsAccess}); otherwise
     * the answer is sent: 404 when they are off, the container's login when there is no user, 403
     * for another user.
     */
    private boolean admitted(HttpServletRequest request, HttpServletResponse response)
            throws IOException, ServletException {
        DevtoolsAccess.Verdict verdict =
                DevtoolsAccess.check(devtoolsEnabled, operatorRole, request.getUserPrincipal(), request::isUserInRole);
        if (verdict == DevtoolsAccess.Verdict.NO_USER) {
            boolean in;
            try {
                // the container's login mechanism of the application (BASIC: checks the Authorization
                // header, or answers 401 with its WWW-Authenticate challenge; FORM: its login page)
                in = request.authenticate(response);
            } catch (ServletException noLoginMechanism) {
                in = false;
            }
            if (!in) {
                if (!response.isCommitted()) {
                    // the API's challenge (crux.http.auth-challenge): one realm, so that a browser's
                    // login to the page also answers the API's 401
                    Problems.challenge().ifPresent(c -> response.setHeader("WWW-Authenticate", c));
                    response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                }
                return false;
            }
            verdict = DevtoolsAccess.check(
                    devtoolsEnabled, operatorRole, request.getUserPrincipal(), request::isUserInRole);
        }
        if (verdict != DevtoolsAccess.Verdict.ALLOWED) {
            if (verdict == DevtoolsAccess.Verdict.NO_USER) {
                Problems.challenge().ifPresent(c -> response.setHeader("WWW-Authenticate", c));
            }
            response.sendError(verdict == DevtoolsAccess.Verdict.NO_USER ? 401 : verdict.status());
            return false;
        }
        return true;
    }

    /** Lets HttpServlet answer Last-Modified, and 304 to a browser's If-Modified-Since. */
    @Override
    protected long getLastModified(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path != null && (FILES.contains(path) || devtoolsFile(path) != null) ? LOADED : -1;
    }

    private static String devtoolsFile(String path) {
        return path.startsWith(DEVTOOLS_PREFIX + "/") ? path.substring(DEVTOOLS_PREFIX.length()) : null;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
        String devtools = path == null ? null : devtoolsFile(path);
        if (devtools != null) {
            devtools(request, response, devtools);
            return;
        }
        if (path == null || !FILES.contains(path)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (InputStream in = ClientScriptServlet.class.getResourceAsStream("/io/crux/ee/sse/client" + path)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType("text/javascript;charset=UTF-8");
            // the client changes with the jar: browsers revalidate (If-Modified-Since, answered 304 by
            // HttpServlet.service from getLastModified), and the server answers from the jar
            response.setHeader("Cache-Control", "no-cache");
            response.setHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(response.getOutputStream());
        }
    }

    private void devtools(HttpServletRequest request, HttpServletResponse response, String file) throws IOException {
        String type = DEVTOOLS.get(file);
        String resource = "/io/crux/ee/sse/client/devtools" + ("/".equals(file) ? "/index.html" : file);
        try (InputStream in = type == null ? null : ClientScriptServlet.class.getResourceAsStream(resource)) {
            if (in == null) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            response.setContentType(type);
            // an operator's page: revalidated each time, never cached by a shared cache, never framed
            response.setHeader("Cache-Control", "private, no-cache");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader(
                    "Content-Security-Policy",
                    "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
            if ("/".equals(file)) {
                String contextPath = request.getContextPath() == null ? "" : request.getContextPath();
                String api = contextPath + (apiPath.startsWith("/") ? apiPath : "/" + apiPath);
                String page = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .replace("${api}", escape(api.replaceAll("/+$", "")));
                response.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
            } else {
                in.transferTo(response.getOutputStream());
            }
        }
    }

    /** HTML attribute escaping of a configured path. */
    private static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
