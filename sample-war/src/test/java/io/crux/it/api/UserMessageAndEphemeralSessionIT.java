package io.crux.it.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.it.support.Deployments;

/**
 * Over the HTTP API on the server's database: an action that declares its user message has the
 * user's message first on the stream and in the session's items, emitted by the engine; a flow with
 * ephemeral sessions answers its request and streams it, while the database holds no session, no
 * session state and no item of it, and its session answers 404 and refuses a second action (409).
 */
@ExtendWith(ArquillianExtension.class)
class UserMessageAndEphemeralSessionIT {

    private static final String AUTH =
            "Basic " + Base64.getEncoder().encodeToString("alice:alice-password".getBytes(StandardCharsets.UTF_8));

    @Deployment
    static WebArchive deployment() {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.withConfig(
                Deployments.war(
                                "it-user-message",
                                ApiApplication.class,
                                TalkFlow.class,
                                TalkFlow.Say.class,
                                ScratchFlow.class,
                                UserMessageAndEphemeralSessionIT.class)
                        .addAsLibrary(sse),
                "crux.sse.heartbeat=PT1S\n");
    }

    @ArquillianResource
    URL base;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    private final Jsonb jsonb = JsonbBuilder.create();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void theEngineEmitsTheUserMessageFirstOnTheStreamAndInTheItems() throws Exception {
        Map<String, Object> accepted = object(post("it-talk/actions/say", "{\"text\":\"hello there\"}", 202));
        String request = (String) accepted.get("requestId");
        String session = (String) accepted.get("sessionId");
        List<String> data = data(get("it-talk/requests/" + request + "/stream", 200)); // ends with the request
        assertEquals(
                List.of("request.created", "request.in_progress", "item.done", "item.done", "request.completed"),
                data.stream().map(d -> (String) object(d).get("type")).toList());
        assertTrue(data.get(2).contains("\"role\":\"user\"") && data.get(2).contains("hello there"), data.get(2));
        assertTrue(data.get(3).contains("you said: hello there"), data.get(3));

        List<Object> items = list(get("it-talk/sessions/" + session + "/items", 200)); // newest first
        assertEquals(2, items.size(), items.toString());
        assertEquals(
                List.of("assistant", "user"),
                items.stream()
                        .map(i -> ((Map<?, ?>) ((Map<?, ?>) i).get("content")).get("role"))
                        .toList());
        assertEquals(1, count("SELECT COUNT(*) FROM CRUX_SESSION WHERE ID = ?", session));
    }

    @Test
    void anEphemeralSessionServesItsRequestAndLeavesNothingInTheDatabase() throws Exception {
        Map<String, Object> accepted = object(post("it-scratch/actions/say", "{\"text\":\"count\"}", 202));
        String request = (String) accepted.get("requestId");
        String session = (String) accepted.get("sessionId");
        assertEquals(request, session, "the request's own session has the request's id");
        List<String> types = data(get("it-scratch/requests/" + request + "/stream", 200)).stream()
                .map(d -> (String) object(d).get("type"))
                .toList(); // the stream ends with the request
        Map<String, Object> done = object(get("it-scratch/requests/" + request, 200));
        assertEquals("COMPLETED", done.get("status"));
        assertEquals("2", String.valueOf(done.get("output")), "the session's state lived through the request");
        assertEquals(
                List.of(
                        "request.created",
                        "request.in_progress",
                        "item.done",
                        "state.changed",
                        "state.changed",
                        "item.done",
                        "request.completed"),
                types);

        List<String> resumed = data(send(
                        HttpRequest.newBuilder(URI.create(url("it-scratch/requests/" + request + "/stream")))
                                .header("Authorization", AUTH)
                                .header("Last-Event-ID", request + ":3")
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        200))
                .stream()
                .map(d -> (String) object(d).get("type"))
                .toList();
        assertEquals(types.subList(3, types.size()), resumed, "the stream resumes from the stored events");

        assertTrue(problem(get("it-scratch/sessions/" + session, 404)).startsWith("CRUX0214E"));
        assertTrue(
                problem(get("it-scratch/sessions/" + session + "/state", 404)).startsWith("CRUX0214E"));
        assertTrue(
                problem(get("it-scratch/sessions/" + session + "/items", 404)).startsWith("CRUX0214E"));
        assertTrue(problem(post("it-scratch/sessions/" + session + "/actions/say", "{\"text\":\"again\"}", 409))
                .startsWith("CRUX0211E"));
        assertTrue(problem(post("it-scratch/sessions", "", 409)).startsWith("CRUX0215E"));

        assertEquals(0, count("SELECT COUNT(*) FROM CRUX_SESSION WHERE ID = ?", session), "no session row");
        assertEquals(0, count("SELECT COUNT(*) FROM CRUX_STATE WHERE SCOPE_KEY = ?", session), "no state row");
        assertEquals(0, count("SELECT COUNT(*) FROM CRUX_ITEM WHERE REQUEST_ID = ?", request), "no item row");
        assertTrue(count("SELECT COUNT(*) FROM CRUX_EVENT WHERE REQUEST_ID = ?", request) > 0, "events are stored");
    }

    // ---------------------------------------------------------------- HTTP

    private String url(String path) {
        return base.toExternalForm() + "api/flows/" + path;
    }

    private String post(String path, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path)))
                .header("Authorization", AUTH)
                .timeout(Duration.ofSeconds(30));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), status);
    }

    private String get(String path, int status) throws Exception {
        return send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .header("Authorization", AUTH)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                status);
    }

    private String send(HttpRequest request, int status) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode(), request.method() + " " + request.uri() + ": " + response.body());
        return response.body();
    }

    /** @return the {@code data:} of each event of a finished request's stream, which ends after its last */
    private static List<String> data(String stream) {
        return stream.lines()
                .filter(l -> l.startsWith("data:"))
                .map(l -> l.substring(5).trim())
                .toList();
    }

    private String problem(String body) {
        return (String) object(body).get("detail");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(String json) {
        return jsonb.fromJson(json, Map.class);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(String json) {
        return jsonb.fromJson(json, List.class);
    }

    // ---------------------------------------------------------------- database

    private long count(String sql, String parameter) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
