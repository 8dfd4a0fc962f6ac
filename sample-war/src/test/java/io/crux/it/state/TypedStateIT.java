package io.crux.it.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.api.ApiApplication;
import io.crux.it.support.AppServer;
import io.crux.it.support.Deployments;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * Typed session state in the server: writes through the typed view reach the database and read back
 * typed, a write of an undeclared key or of a value against a constraint fails the run and stores
 * nothing, and {@code GET /api/flows} publishes the scope's keys.
 */
class TypedStateIT {

    private static final String ALICE = "alice:alice-password";
    private static final String API = "/it-typed-state/api/flows";
    private static final String FLOW = API + "/typed-desk";

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with("cruxTypedState", API, s -> s.deploy(war()));

    private static WebArchive war() {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.war(
                        "it-typed-state",
                        ApiApplication.class,
                        TypedDeskFlow.class,
                        TypedDeskFlow.Desk.class,
                        TypedDeskFlow.Note.class)
                .addAsLibrary(sse);
    }

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void typedWritesAreStoredAndCheckedAndTheFlowPublishesItsKeys() {
        Map<String, Object> first = post(FLOW + "/actions/note", "{\"topic\":\"billing\",\"tag\":\"vip\"}");
        String session = (String) first.get("sessionId");
        Map<String, Object> done = finished((String) first.get("requestId"));
        assertThat(done).containsEntry("status", "COMPLETED");
        assertThat(done.get("output"))
                .isEqualTo(Map.of("topic", "billing", "notes", BigDecimal.ONE, "tags", List.of("vip")));

        Map<String, Object> second =
                post(FLOW + "/sessions/" + session + "/actions/note", "{\"topic\":\"refunds\",\"tag\":\"late\"}");
        assertThat(finished((String) second.get("requestId")).get("output"))
                .isEqualTo(Map.of("topic", "refunds", "notes", BigDecimal.valueOf(2), "tags", List.of("vip", "late")));

        // an undeclared key, and a topic over its @Size: both runs fail, and nothing is stored
        Map<String, Object> stray =
                post(FLOW + "/sessions/" + session + "/actions/stray", "{\"topic\":\"x\",\"key\":\"mood\"}");
        Map<String, Object> strayDone = finished((String) stray.get("requestId"));
        assertThat(strayDone).containsEntry("status", "FAILED");
        assertThat(String.valueOf(strayDone.get("error"))).contains("CRUX0232E", "mood");
        Map<String, Object> tooLong = post(
                FLOW + "/sessions/" + session + "/actions/stray",
                "{\"topic\":\"far too long for it\",\"key\":\"topic\"}");
        Map<String, Object> tooLongDone = finished((String) tooLong.get("requestId"));
        assertThat(tooLongDone).containsEntry("status", "FAILED");
        assertThat(String.valueOf(tooLongDone.get("error"))).contains("CRUX0233E", "topic");

        Map<String, Object> state = Json.object(
                server().get(FLOW + "/sessions/" + session + "/state", ALICE).body());
        assertThat(state.get("document"))
                .isEqualTo(Map.of("topic", "refunds", "notes", BigDecimal.valueOf(2), "tags", List.of("vip", "late")));

        Map<?, ?> kind = Json.list(server().get(API, ALICE).body()).stream()
                .map(k -> (Map<?, ?>) k)
                .filter(k -> "typed-desk".equals(k.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<?, ?> sessionSchema = (Map<?, ?>) ((Map<?, ?>) kind.get("state")).get("session");
        assertThat(sessionSchema.get("additionalProperties")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) sessionSchema.get("properties");
        assertThat(properties).containsOnlyKeys("topic", "notes", "tags");
    }

    private static Map<String, Object> post(String path, String body) {
        var response = server().post(path, body, ALICE);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return Json.object(response.body());
    }

    private static Map<String, Object> finished(String request) {
        Map<String, Object>[] last = new Map[1];
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            last[0] = Json.object(
                    server().get(FLOW + "/requests/" + request, ALICE).body());
            return !"RUNNING".equals(last[0].get("status")) && !"PENDING".equals(last[0].get("status"));
        });
        return last[0];
    }
}
