package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

/**
 * The devtools page, served by the client's servlet below {@code /devtools/}: 404 unless enabled,
 * the container's login without a user, 403 outside the operator role, and for an operator the
 * page with the API's path, and its modules; a revalidation is checked like a first request.
 */
class DevtoolsPageTest {

    private final ClientScriptServlet servlet = new ClientScriptServlet();

    @Test
    void disabledDevtoolsAreNotFoundWhoeverAsks() throws Exception {
        assertThat(get("/devtools/", operator(), -1).status).isEqualTo(404);
        assertThat(get("/devtools/app.js", operator(), -1).status).isEqualTo(404);
        assertThat(get("/client.js", null, -1).status)
                .as("the client stays public")
                .isEqualTo(200);
    }

    @Test
    void withoutAUserTheContainersLoginAnswersAndAnotherUserGets403() throws Exception {
        servlet.devtoolsEnabled = true;
        Answer anonymous = get("/devtools/", null, -1);
        assertThat(anonymous.status).isEqualTo(401);
        assertThat(anonymous.headers).containsKey("WWW-Authenticate");
        assertThat(anonymous.body.size()).isZero();

        Answer alice = get("/devtools/", new User("alice", Set.of()), -1);
        assertThat(alice.status).isEqualTo(403);
        assertThat(alice.body.size()).isZero();

        // a revalidation does not get past the check with a 304
        assertThat(get("/devtools/app.js", new User("alice", Set.of()), Long.MAX_VALUE / 2).status)
                .isEqualTo(403);
    }

    @Test
    void anOperatorGetsThePageWithTheApiPathAndItsModules() throws Exception {
        servlet.devtoolsEnabled = true;
        Answer page = get("/devtools/", operator(), -1);
        assertThat(page.status).isEqualTo(200);
        assertThat(page.headers).containsEntry("X-Content-Type-Options", "nosniff");
        assertThat(page.headers.get("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(page.body.toString()).contains("<meta name=\"crux-api\" content=\"/shop/api\">");

        servlet.operatorRole = "ops";
        assertThat(get("/devtools/", operator(), -1).status)
                .as("another operator role")
                .isEqualTo(403);
        assertThat(get("/devtools/", new User("op", Set.of("ops")), -1).status).isEqualTo(200);

        Answer model = get("/devtools/model.js", new User("op", Set.of("ops")), -1);
        assertThat(model.status).isEqualTo(200);
        assertThat(model.body.toString()).contains("export function layoutTimeline");
        assertThat(get("/devtools/../client.js", new User("op", Set.of("ops")), -1).status)
                .isEqualTo(404);
        assertThat(get("/devtools", new User("op", Set.of("ops")), -1).headers)
                .containsEntry("Location", "/shop/crux/devtools/");
    }

    private static User operator() {
        return new User("manager", Set.of("crux-operator"));
    }

    private record User(String name, Set<String> roles) implements Principal {
        @Override
        public String getName() {
            return name;
        }
    }

    private static final class Answer {
        int status = 200;
        final Map<String, String> headers = new HashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
    }

    private Answer get(String path, User user, long ifModifiedSince) throws Exception {
        Answer answer = new Answer();
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
                        case "sendRedirect" -> {
                            answer.status = 302;
                            answer.headers.put("Location", (String) args[0]);
                        }
                        case "setHeader" -> answer.headers.put((String) args[0], (String) args[1]);
                        case "containsHeader" -> {
                            return answer.headers.containsKey(args[0]);
                        }
                        case "isCommitted" -> {
                            return answer.status != 200;
                        }
                        case "getOutputStream" -> {
                            return out;
                        }
                        default -> {}
                    }
                    return null;
                });
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (p, m, args) -> switch (m.getName()) {
                    case "getMethod" -> "GET";
                    case "getPathInfo" -> path;
                    case "getContextPath" -> "/shop";
                    case "getRequestURI" -> "/shop/crux" + path;
                    case "getUserPrincipal" -> user;
                    case "isUserInRole" -> user != null && user.roles().contains((String) args[0]);
                    case "authenticate" -> {
                        // the container's BASIC login without credentials: a challenge
                        response.setHeader("WWW-Authenticate", "Basic realm=\"crux\"");
                        response.sendError(401);
                        yield false;
                    }
                    case "getDateHeader" -> "If-Modified-Since".equals(args[0]) ? ifModifiedSince : -1L;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getDispatcherType" -> jakarta.servlet.DispatcherType.REQUEST;
                    default -> null;
                });
        servlet.service(request, response);
        return answer;
    }
}
