package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

/**
 * A session's resource over HTTP, on the suite's database: of two requests that write one entry
 * over the same version, exactly one wins and the other gets the conflict; clients see the
 * entries only through {@code @ClientData}; a deleted session takes them along.
 */
class ResourcesIT {

    private static final String ALICE = "alice:alice-password";
    private static final String ROOT = "/it-notes/api/flows";
    private static final String FLOWS = ROOT + "/it-notes";
    private static final int ROUNDS = 5;

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with("cruxResources", ROOT, s -> s.deploy(war()));

    private static WebArchive war() {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.war("it-notes", ApiApplication.class, NotesFlow.class)
                .addAsLibrary(sse);
    }

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void ofTwoConcurrentWritesOverOneVersionExactlyOneWinsAndClientsSeeOnlyTitles() throws Exception {
        String session = (String)
                Json.object(server().post(FLOWS + "/sessions", "", ALICE).body())
                        .get("id");
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            for (int round = 1; round <= ROUNDS; round++) {
                int current = round;
                String key = "note-" + current;
                String first = put(session, key, "Title " + round, "secret " + round, null);
                assertThat(first).startsWith("v");
                long version = Long.parseLong(first.substring(1));

                CountDownLatch both = new CountDownLatch(2);
                List<CompletableFuture<String>> racing = new ArrayList<>();
                for (String who : List.of("left", "right")) {
                    racing.add(CompletableFuture.supplyAsync(
                            () -> {
                                both.countDown();
                                try {
                                    both.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                return put(session, key, "Title " + current + " " + who, "secret", version);
                            },
                            clients));
                }
                List<String> outcomes = new ArrayList<>();
                for (CompletableFuture<String> f : racing) {
                    outcomes.add(f.get());
                }

                assertThat(outcomes)
                        .as("round " + round)
                        .filteredOn(o -> o.equals("v" + (version + 1)))
                        .hasSize(1);
                assertThat(outcomes)
                        .as("round " + round)
                        .filteredOn(o -> o.startsWith("conflict CRUX0242E"))
                        .hasSize(1);
            }
        } finally {
            clients.shutdownNow();
        }

        var state = server().get(FLOWS + "/sessions/" + session + "/state", ALICE);
        assertThat(state.statusCode()).isEqualTo(200);
        Map<String, Object> views = Json.object(state.body());
        assertThat(views).containsOnlyKeys("titles");
        @SuppressWarnings("unchecked")
        List<Object> titles = (List<Object>) views.get("titles");
        assertThat(titles).hasSize(ROUNDS).allMatch(t -> t.toString().matches("Title \\d (left|right)"));
        assertThat(state.body()).doesNotContain("secret");

        assertThat(server().delete(FLOWS + "/sessions/" + session, ALICE).statusCode())
                .isEqualTo(204);
        assertThat(server().get(FLOWS + "/sessions/" + session + "/state", ALICE)
                        .statusCode())
                .isEqualTo(404);
    }

    /** Runs the put action in the session and returns its output once the request completed. */
    private static String put(String session, String key, String title, String text, Long expected) {
        String body = "{\"key\":\"" + key + "\",\"title\":\"" + title + "\",\"text\":\"" + text + "\""
                + (expected == null ? "" : ",\"expected\":" + expected) + "}";
        var posted = server().post(FLOWS + "/sessions/" + session + "/actions/put", body, ALICE);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String request = (String) Json.object(posted.body()).get("requestId");
        await().atMost(Duration.ofMinutes(1))
                .until(() -> "COMPLETED"
                        .equals(Json.object(server().get(FLOWS + "/requests/" + request, ALICE)
                                        .body())
                                .get("status")));
        return (String)
                Json.object(server().get(FLOWS + "/requests/" + request, ALICE).body())
                        .get("output");
    }
}
