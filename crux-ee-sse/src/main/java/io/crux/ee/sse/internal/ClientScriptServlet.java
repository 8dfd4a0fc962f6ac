package io.crux.ee.sse.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Serves crux-ee's browser client (client.js, react.js and the vendored SSE parser) from this jar, so
 * that every WAR with crux-ee-sse has it. {@code web-fragment.xml} maps it at {@code /crux/*}; an
 * application moves it with its own {@code <servlet-mapping>} of {@code crux-client} in
 * {@code web.xml}, which replaces the fragment's mapping (Servlet 6.0, section 8.2.3). A servlet rather
 * than {@code META-INF/resources}, whose path an application cannot change. The modules import each
 * other relatively, so they work under any path.
 */
public class ClientScriptServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The files it serves, by path below its mapping; nothing else of the class path is reachable. */
    private static final Set<String> FILES = Set.of("/client.js", "/react.js", "/vendor/eventsource-parser.js");

    /**
     * When this class was loaded, to the second (HTTP dates have no milliseconds): the files change
     * only with the jar, and a new jar is a new deployment, which loads this class again. The jar
     * entry's own time is not used: reading it opens the jar through a URL connection whose caching
     * differs between servers (and keeps the file locked on some).
     */
    private static final long LOADED = System.currentTimeMillis() / 1000 * 1000;

    /** Lets HttpServlet answer Last-Modified, and 304 to a browser's If-Modified-Since. */
    @Override
    protected long getLastModified(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path != null && FILES.contains(path) ? LOADED : -1;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo();
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
}
