package io.crux.it.audience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Deployments;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * Audience routing in the server: a run's model and internal items (by type, by the flow's
 * {@code @ItemAudience}, by the item) are stored in the database, and the devtools' run detail shows
 * them, but the request's stream and the session's items endpoint give the client its items only.
 */
class ItemAudienceIT {

    private static final String MANAGER = "manager:manager-password";
    private static final String API = "/it-audience/api";
    private static final String FLOWS = API + "/flows/it-audience";

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with("cruxAudience", API + "/flows", s -> s.deploy(war()));

    static WebArchive war() {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.withConfig(
                Deployments.war("it-audience", AudienceApplication.class, AudienceFlow.class)
                        .addAsLibrary(sse),
                "crux.devtools.enabled=true\n");
    }

    private static AppServer server() {
        return SERVER.get();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static String text(Map<String, Object> item) {
        return String.valueOf(((Map<String, Object>) item.get("content")).getOrDefault("text", item.get("content")));
    }

    @Test
    void modelAndInternalItemsAreStoredAndShownToOperatorsButNeverToTheClient() {
        HttpResponse<String> started = server().post(FLOWS + "/actions/go", "\"x\"", MANAGER);
        assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
        Map<String, Object> accepted = Json.object(started.body());
        String requestId = (String) accepted.get("requestId");
        String sessionId = (String) accepted.get("sessionId");

        List<Event> events =
                SseClient.read(server().url(FLOWS + "/requests/" + requestId + "/stream"), MANAGER, null, e -> false);
        assertThat(events.get(events.size() - 1).type()).isEqualTo("request.completed");
        String stream = events.toString();
        assertThat(stream).contains("client-visible x").contains("client-answer x");
        assertThat(stream).doesNotContain("model-").doesNotContain("internal-note");

        HttpResponse<String> items = server().get(FLOWS + "/sessions/" + sessionId + "/items", MANAGER);
        assertThat(items.statusCode()).as(items.body()).isEqualTo(200);
        assertThat(list(Json.list(items.body())))
                .extracting(ItemAudienceIT::text)
                .containsExactly("client-answer x", "client-visible x"); // newest first

        Map<String, Object> detail = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> Json.object(server().get(API + "/devtools/runs/" + accepted.get("runId"), MANAGER)
                                .body()),
                        d -> "COMPLETED".equals(d.get("status")));
        List<Map<String, Object>> stored = list(detail.get("items"));
        assertThat(stored)
                .extracting(i -> i.get("audience") + " " + text(i).replaceAll("\\{.*name=([a-z-]+).*", "$1"))
                .containsExactly(
                        "CLIENT client-visible x",
                        "MODEL model-context x",
                        "MODEL model-tool",
                        "MODEL model-status x",
                        "INTERNAL internal-note x",
                        "CLIENT client-answer x");
    }
}
