package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

/**
 * The client's files come with Last-Modified, so a browser's revalidation is answered 304 without
 * the file, and with nosniff; nothing else of the class path is served.
 */
class ClientScriptServletTest {

    private final ClientScriptServlet servlet = new ClientScriptServlet();

    @Test
    void aFileComesWithLastModifiedAndNosniffAndARevalidationGets304() throws Exception {
        Answer first = get("/client.js", -1);
        assertThat(first.status).isEqualTo(200);
        assertThat(first.headers).containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(first.body.toString()).contains("export function createClient");
        long lastModified = first.dates.get("Last-Modified");
        assertThat(lastModified).isPositive().isEqualTo(lastModified / 1000 * 1000);

        Answer again = get("/client.js", lastModified);
        assertThat(again.status).isEqualTo(304);
        assertThat(again.body.size()).isZero();
    }

    @Test
    void anotherPathIsNotFoundAndHasNoLastModified() throws Exception {
        Answer other = get("/io/crux/ee/sse/internal/ClientScriptServlet.class", -1);
        assertThat(other.status).isEqualTo(404);
        assertThat(other.dates).doesNotContainKey("Last-Modified");
    }

    private static final class Answer {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final Map<String, Long> dates = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
    }

    private Answer get(String path, long ifModifiedSince) throws Exception {
        Answer answer = new Answer();
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getMethod" -> "GET";
                    case "getPathInfo" -> path;
                    case "getDateHeader" -> "If-Modified-Since".equals(args[0]) ? ifModifiedSince : -1L;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getDispatcherType" -> jakarta.servlet.DispatcherType.REQUEST;
                    default -> null;
                });
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {}

            @Override
            public void write(int b) {
                answer.body.write(b);
            }
        };
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus", "sendError" -> answer.status = (int) args[0];
                        case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                        case "setDateHeader" -> answer.dates.put((String) args[0], (Long) args[1]);
                        case "containsHeader" -> {
                            return answer.headers.containsKey(args[0]) || answer.dates.containsKey(args[0]);
                        }
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {}
                    }
                    return null;
                });
        servlet.service(request, response);
        return answer;
    }
}
