package io.crux.it.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Calls;
import io.crux.it.support.Deployments;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SseClient;

/**
 * The devtools API in the server: runs filtered in the database with counts, one run's timeline
 * (attempts, failures with message ids, the suspension's schema, the failure of a failed run),
 * cancel; 401 without a user, 403 outside the operator role (DevtoolsOffIT: 404 where they are off).
 */
class DevtoolsIT {

    private static final String ALICE = "alice:alice-password";
    private static final String MANAGER = "manager:manager-password";
    private static final String ON = "/it-devtools/api";

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
            "cruxDevtools",
            ON + "/flows",
            s -> s.deploy(war("it-devtools", "crux.devtools.enabled=true\ncrux.devtools.poll=PT0.2S\n")));

    static WebArchive war(String name, String config) {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.withConfig(
                Deployments.war(name, DevtoolsApplication.class, DevtoolsFlows.class, Calls.class)
                        .addAsLibrary(sse),
                config);
    }

    private static AppServer server() {
        return SERVER.get();
    }

    private static String start(String action, String input) {
        HttpResponse<String> started =
                server().post(ON + "/flows/it-devtools/actions/" + action, "\"" + input + "\"", MANAGER);
        assertThat(started.statusCode()).as(started.body()).isBetween(200, 202);
        return (String) Json.object(started.body()).get("runId");
    }

    private static Map<String, Object> detail(String runId) {
        HttpResponse<String> r = server().get(ON + "/devtools/runs/" + runId, MANAGER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.object(r.body());
    }

    private static Map<String, Object> awaitStatus(String runId, String status) {
        return await().atMost(Duration.ofMinutes(1)).until(() -> detail(runId), d -> status.equals(d.get("status")));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static List<Object> ids(Map<String, Object> page) {
        return list(page.get("runs")).stream().map(r -> r.get("id")).toList();
    }

    private static Map<String, Object> runs(String query) {
        HttpResponse<String> r = server().get(ON + "/devtools/runs?" + query, MANAGER);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.object(r.body());
    }

    @Test
    void aRunsTimelineShowsItsAttemptsFailuresAndTheSuspensionsSchema() {
        String runId = start("expense", "lunch");
        Map<String, Object> d = awaitStatus(runId, "SUSPENDED");

        Map<String, Object> check = list(d.get("steps")).get(0);
        assertThat(check).containsEntry("label", "check").containsEntry("kind", "STEP");
        assertThat(((Number) check.get("attempts")).intValue()).isEqualTo(3);
        assertThat(Instant.parse((String) check.get("startedAt")))
                .isBeforeOrEqualTo(Instant.parse((String) check.get("completedAt")));
        List<Map<String, Object>> failures = list(check.get("failures"));
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0))
                .containsEntry("message", "ledger busy")
                .containsEntry("type", IllegalStateException.class.getName());
        assertThat(failures.get(0).get("messageId")).isNull();
        assertThat(((Number) failures.get(0).get("retryWaitMs")).longValue()).isEqualTo(10);
        assertThat(failures.get(1)).containsEntry("messageId", "CRUX0049E");

        Map<String, Object> suspension = map(d.get("suspension"));
        assertThat(suspension)
                .containsEntry("name", "approve")
                .containsEntry("payloadType", DevtoolsFlows.Approval.class.getName());
        assertThat(suspension.get("expiresAt")).isNotNull();
        assertThat(map(map(suspension.get("schema")).get("properties"))).containsKeys("approved", "comment");
        assertThat(d.get("input")).isEqualTo("lunch");
        assertThat(d).containsEntry("userId", "manager").containsEntry("flow", "it-devtools");

        // the operator signals the form's payload through the runs API, and the timeline shows the signal
        HttpResponse<String> signalled = server().post(
                        ON + "/flows/runs/" + runId + "/signals/approve",
                        "{\"approved\":true,\"comment\":\"ok\"}",
                        MANAGER);
        assertThat(signalled.statusCode()).as(signalled.body()).isEqualTo(200);
        Map<String, Object> done = awaitStatus(runId, "COMPLETED");
        assertThat(done.get("output")).isEqualTo("checked lunch approved");
        assertThat(list(done.get("steps"))).extracting(s -> s.get("kind")).containsExactly("STEP", "SIGNAL");
        assertThat(done.get("suspension")).isNull();
    }

    @Test
    void aStepThatFailedForGoodIsTheRunsFailure() {
        String runId = start("broken", "x");
        Map<String, Object> d = awaitStatus(runId, "FAILED");

        assertThat(list(d.get("steps"))).isEmpty();
        Map<String, Object> failure = map(d.get("failure"));
        assertThat(failure).containsEntry("label", "call");
        assertThat(list(failure.get("failures")))
                .hasSize(2)
                .allSatisfy(f -> assertThat(f).containsEntry("messageId", "CRUX0049E"));
        assertThat((String) d.get("error")).startsWith("CRUX0010E");
    }

    @Test
    void runsAreFilteredPagedAndCountedInTheDatabase() {
        Instant before = Instant.now().minusSeconds(1);
        String first = start("expense", "a");
        String second = start("expense", "b");
        awaitStatus(first, "SUSPENDED");
        awaitStatus(second, "SUSPENDED");

        Map<String, Object> suspended = runs("flow=it-devtools&status=SUSPENDED&user=manager&from="
                + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8) + "&limit=1");
        assertThat(ids(suspended)).containsExactly(second);
        assertThat(suspended.get("next")).isNotNull();
        assertThat(((Number) map(suspended.get("counts")).get("SUSPENDED")).intValue())
                .isGreaterThanOrEqualTo(2);
        Map<String, Object> next = runs("flow=it-devtools&status=SUSPENDED&user=manager&from="
                + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8) + "&limit=1&cursor="
                + suspended.get("next"));
        assertThat(ids(next)).containsExactly(first);

        assertThat(ids(runs("user=nobody"))).isEmpty();
        assertThat(ids(runs("to=" + URLEncoder.encode(before.toString(), StandardCharsets.UTF_8))))
                .doesNotContain(first, second);
        assertThat(server().get(ON + "/devtools/runs?status=SLEEPING", MANAGER).statusCode())
                .isEqualTo(400);
        assertThat(server().get(ON + "/devtools/runs?limit=201", MANAGER).statusCode())
                .isEqualTo(400);
        HttpResponse<String> notANumber = server().get(ON + "/devtools/runs?limit=abc", MANAGER);
        assertThat(notANumber.statusCode()).as(notANumber.body()).isEqualTo(400);
        assertThat(notANumber.body()).contains("CRUX0193E");

        // a browser page of another site may not cancel with the login its browser holds (CSRF)
        HttpResponse<String> forged = server().post(
                        ON + "/devtools/runs/" + first + "/cancel",
                        "",
                        MANAGER,
                        Map.of("Origin", "http://evil.example"));
        assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
        assertThat(forged.body()).contains("CRUX0106E");
        assertThat(detail(first)).containsEntry("status", "SUSPENDED");
        HttpResponse<String> crossSite = server().post(
                        ON + "/flows/it-devtools/actions/expense",
                        "\"x\"",
                        MANAGER,
                        Map.of("Sec-Fetch-Site", "cross-site"));
        assertThat(crossSite.statusCode()).as(crossSite.body()).isEqualTo(403);

        HttpResponse<String> cancelled = server().post(
                        ON + "/devtools/runs/" + first + "/cancel", "", MANAGER, Map.of("Origin", server().url("")));
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(Json.object(cancelled.body())).containsEntry("status", "CANCELLED");
        assertThat(server().post(ON + "/devtools/runs/" + first + "/cancel", "", MANAGER)
                        .statusCode())
                .isEqualTo(409);
    }

    @Test
    void theStreamsShowRunsAsTheyChange() {
        AtomicReference<String> started = new AtomicReference<>();
        // the list's stream: the run started once the stream is open appears, and again as it suspends
        List<SseClient.Event> changes = SseClient.read(
                server().url(ON + "/devtools/stream"),
                MANAGER,
                null,
                e -> started.get() != null
                        && started.get().equals(map(e.data().get("run")).get("id"))
                        && "SUSPENDED".equals(map(e.data().get("run")).get("status")),
                () -> {},
                () -> started.set(start("expense", "streamed")));
        assertThat(changes).allSatisfy(e -> assertThat(e.type()).isEqualTo("run.changed"));

        // one run's stream: its detail at once; after the run ended, the stream ends by itself
        String runId = start("broken", "streamed");
        awaitStatus(runId, "FAILED");
        List<SseClient.Event> detail =
                SseClient.read(server().url(ON + "/devtools/runs/" + runId + "/stream"), MANAGER, null, e -> false);
        assertThat(detail).isNotEmpty().allSatisfy(e -> assertThat(e.type()).isEqualTo("run.detail"));
        assertThat(map(detail.get(detail.size() - 1).data().get("run"))).containsEntry("status", "FAILED");
    }

    @Test
    void onlyTheOperatorRoleReachesThem() {
        HttpResponse<String> anonymous = server().get(ON + "/devtools/runs", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .as("the challenge a browser answers with the login it holds for the realm")
                .hasValue("Basic realm=\"crux\"");
        assertThat(server().get(ON + "/devtools/runs", ALICE).statusCode()).isEqualTo(403);
        assertThat(server().get(ON + "/devtools/runs/nope", MANAGER).statusCode())
                .isEqualTo(404);
    }
}
