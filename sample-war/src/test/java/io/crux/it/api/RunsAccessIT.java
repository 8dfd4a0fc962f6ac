package io.crux.it.api;

import static io.crux.it.api.HttpErrorsIT.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * The runs API: default deny (a run without a user only for the operator role, a user's run for
 * that user and the operator), lists paged in the database, newest first, and fresh; items paged
 * newest first with a cursor.
 */
class RunsAccessIT {

    private static final String ALICE = "alice:alice-password";
    private static final String BOB = "bob:bob-password";
    private static final String MANAGER = "manager:manager-password";
    private static final String FLOWS = "/it-runs/api/flows";
    private static final int PAGE = 3;

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
            "cruxRuns", FLOWS, s -> s.deploy(ApiWar.build("it-runs", "crux.http.max-page-size=" + PAGE + "\n")));

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void aRunWithoutAUserIsReachableOnlyForTheOperatorRole() {
        String runId = (String) Json.object(server().post(FLOWS + "/it-open/actions/approve", "{}", null)
                        .body())
                .get("runId");
        await().atMost(Duration.ofMinutes(1))
                .until(() -> "SUSPENDED"
                        .equals(Json.object(server().get(FLOWS + "/it-open/requests/" + runId, null)
                                        .body())
                                .get("status")));

        problem(server().get(FLOWS + "/runs", null), 401);
        problem(server().get(FLOWS + "/runs/" + runId, null), 401);
        problem(server().post(FLOWS + "/runs/" + runId + "/signals/manager-approval", "\"approved\"", null), 401);
        problem(server().post(FLOWS + "/runs/" + runId + "/cancel", "", null), 401);
        problem(server().get(FLOWS + "/runs/" + runId, ALICE), 404);
        problem(server().post(FLOWS + "/runs/" + runId + "/signals/manager-approval", "\"approved\"", ALICE), 404);
        problem(server().post(FLOWS + "/runs/" + runId + "/cancel", "", ALICE), 404);
        assertThat(ids(server().get(FLOWS + "/runs?status=SUSPENDED", ALICE))).doesNotContain(runId);

        assertThat(ids(server().get(FLOWS + "/runs?status=SUSPENDED", MANAGER))).contains(runId);
        assertThat(Json.object(server().get(FLOWS + "/runs/" + runId, MANAGER).body()))
                .containsEntry("status", "SUSPENDED");
        HttpResponse<String> approved =
                server().post(FLOWS + "/runs/" + runId + "/signals/manager-approval", "\"approved\"", MANAGER);
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(Json.object(approved.body()))
                .containsEntry("status", "completed")
                .containsEntry("output", "approved");
    }

    @Test
    void aUsersRunIsReachableByThatUserAndTheOperatorOnly() {
        String runId = chat(ALICE, 1);

        assertThat(server().get(FLOWS + "/runs/" + runId, ALICE).statusCode()).isEqualTo(200);
        assertThat(server().get(FLOWS + "/runs/" + runId, MANAGER).statusCode()).isEqualTo(200);
        problem(server().get(FLOWS + "/runs/" + runId, BOB), 404);
        problem(server().post(FLOWS + "/runs/" + runId + "/cancel", "", BOB), 404);
        assertThat(server().post(FLOWS + "/runs/" + runId + "/cancel", "", MANAGER)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aRunThatJustSuspendedIsListedAsSuspendedAtOnce() {
        for (int i = 0; i < 5; i++) {
            String runId = chat(ALICE, 1);
            assertThat(ids(server().get(FLOWS + "/runs?status=SUSPENDED", ALICE)))
                    .contains(runId);
        }
    }

    @Test
    void aUsersRunsArePagedNewestFirstInTheDatabaseBeyondOnePage() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 2 * PAGE + 1; i++) {
            mine.add(0, chat(BOB, 1));
        }
        chat(ALICE, 1); // newer runs of another user do not push Bob's older runs out of his pages

        List<String> listed = new ArrayList<>();
        String next = FLOWS + "/runs?status=SUSPENDED";
        int pages = 0;
        while (next != null) {
            HttpResponse<String> page = server().get(next, BOB);
            assertThat(page.statusCode()).isEqualTo(200);
            List<String> ids = ids(page);
            assertThat(ids).hasSizeLessThanOrEqualTo(PAGE);
            listed.addAll(ids);
            next = next(page).orElse(null);
            pages++;
        }

        assertThat(listed).containsExactlyElementsOf(mine);
        assertThat(pages).isGreaterThanOrEqualTo(3);
        problem(server().get(FLOWS + "/runs?limit=" + (PAGE + 1), BOB), 400);
        problem(server().get(FLOWS + "/runs?offset=-1", BOB), 400);
    }

    @Test
    void itemsArePagedNewestFirstWithACursor() {
        String runId = chat(ALICE, 2 * PAGE + 1);
        String session = (String) Json.object(server().get(FLOWS + "/it-counter/requests/" + runId, ALICE)
                        .body())
                .get("sessionId");

        List<Object> texts = new ArrayList<>();
        String next = FLOWS + "/it-counter/sessions/" + session + "/items";
        List<Integer> sizes = new ArrayList<>();
        while (next != null) {
            HttpResponse<String> page = server().get(next, ALICE);
            assertThat(page.statusCode()).isEqualTo(200);
            List<Object> items = Json.list(page.body());
            sizes.add(items.size());
            items.forEach(i -> texts.add(((Map<?, ?>) ((Map<?, ?>) i).get("content")).get("text")));
            next = next(page).orElse(null);
        }

        assertThat(texts)
                .containsExactly("before 7", "before 6", "before 5", "before 4", "before 3", "before 2", "before 1");
        assertThat(sizes.get(0)).isEqualTo(PAGE);
        problem(server().get(FLOWS + "/it-counter/sessions/" + session + "/items?before=%25%25", ALICE), 400);
    }

    /** Starts a chat that emits {@code before} items and suspends; returns once it is suspended. */
    private static String chat(String user, int before) {
        HttpResponse<String> accepted =
                server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":" + before + ",\"after\":0}", user);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String runId = (String) Json.object(accepted.body()).get("runId");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> "SUSPENDED"
                        .equals(Json.object(server().get(FLOWS + "/it-counter/requests/" + runId, user)
                                        .body())
                                .get("status")));
        return runId;
    }

    private static List<String> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.strings(response.body(), "flowId");
    }

    /** @return the path of the {@code rel="next"} link, if any */
    private static Optional<String> next(HttpResponse<String> response) {
        return response.headers().allValues("Link").stream()
                .map(java.util.regex.Pattern.compile("<[a-z]+://[^/]+(/[^>]*)>\\s*;\\s*rel=\"?next\"?")::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .findFirst();
    }
}
