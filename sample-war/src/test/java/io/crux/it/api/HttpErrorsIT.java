package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.AppServer.RawResponse;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;

/** Every error status of the HTTP API with its problem+json body, and nothing stored for a rejected action. */
@SharedServer(ApiWar.SHARED)
class HttpErrorsIT {

    private static final String ALICE = "alice:alice-password";
    private static final String FLOWS = ApiWar.FLOWS;

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void invalidInputAnswers400WithPerFieldErrorsAndStoresNothing() {
        String newestBefore = newestSession();

        HttpResponse<String> invalid =
                server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":0,\"after\":500}", ALICE);

        Map<String, Object> problem = problem(invalid, 400);
        assertThat(problem.get("detail").toString()).startsWith("CRUX0026E");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
        assertThat(errors).extracting(e -> e.get("field")).containsExactlyInAnyOrder("before", "after");
        assertThat(newestSession())
                .as("no session was created for the rejected action")
                .isEqualTo(newestBefore);
    }

    @Test
    void wronglyTypedUnknownOrMissingInputAnswers400WithTheFieldsPointerAndStoresNothing() {
        String newestBefore = newestSession();
        int runsBefore = runs();
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("{\"text\":12345}", "/text");
        bodies.put("{\"approved\":\"yes\"}", "/approved");
        bodies.put("{\"approved\":1}", "/approved");
        bodies.put("{\"count\":1.9}", "/count");
        bodies.put("{\"count\":4294967297}", "/count");
        bodies.put("{\"amount\":\"12.5\"}", "/amount");
        bodies.put("{\"text\":\"a\",\"unknown\":true}", "/unknown");
        bodies.put("null", "");
        bodies.put("", "");

        bodies.forEach((body, pointer) -> {
            Map<String, Object> problem =
                    problem(server().post(FLOWS + "/it-counter/actions/strict", body, ALICE), 400);
            assertThat(problem.get("detail").toString()).as(body).startsWith("CRUX0026E");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
            assertThat(errors).as(body).extracting(e -> e.get("pointer")).containsExactly(pointer);
        });

        assertThat(newestSession()).as("no session was created").isEqualTo(newestBefore);
        assertThat(runs()).as("no run was created").isEqualTo(runsBefore);
        String ok = accepted(server().post(
                        FLOWS + "/it-counter/actions/strict",
                        "{\"text\":\"a\",\"approved\":true,\"amount\":12.5,\"count\":3}",
                        ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "COMPLETED".equals(status(ok)));
    }

    @Test
    void aWronglyTypedSignalPayloadAnswers400AndTheRunStaysSuspended() {
        String requestId =
                accepted(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":1,\"after\":0}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));

        for (String payload : List.of("12345", "null", "", "{\"text\":\"x\"}")) {
            Map<String, Object> problem =
                    problem(server().post(FLOWS + "/runs/" + requestId + "/signals/more", payload, ALICE), 400);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> errors = (List<Map<String, Object>>) problem.get("errors");
            assertThat(errors).as(payload).extracting(e -> e.get("pointer")).containsExactly("");
        }

        assertThat(status(requestId)).isEqualTo("SUSPENDED");
        assertThat(server().post(FLOWS + "/runs/" + requestId + "/signals/more", "\"done\"", ALICE)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void bodiesNestedPastTheParsersLimitOrNotUtf8Answer400AndStoreNothing() {
        // 2,000 levels: past the JSON parser's own limit, which failed with 500 before
        byte[] deep = ("[".repeat(2000) + "]".repeat(2000)).getBytes(StandardCharsets.US_ASCII);
        // a lone 0xFF byte inside a string: it became U+FFFD and was accepted before
        byte[] notUtf8 = {'"', 'o', 'k', (byte) 0xFF, '"'};
        byte[] notUtf8Input = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xFF, '"', '}'};
        String newestBefore = newestSession();

        assertThat(problem(server().post(FLOWS + "/it-counter/actions/strict", deep, ALICE), 400)
                        .get("detail")
                        .toString())
                .contains("CRUX0100E");
        assertThat(problem(server().post(FLOWS + "/it-counter/actions/strict", notUtf8Input, ALICE), 400)
                        .get("detail")
                        .toString())
                .contains("UTF-8");
        assertThat(newestSession()).isEqualTo(newestBefore);

        String requestId =
                accepted(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":1,\"after\":0}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));
        problem(server().post(FLOWS + "/runs/" + requestId + "/signals/more", deep, ALICE), 400);
        problem(server().post(FLOWS + "/runs/" + requestId + "/signals/more", notUtf8, ALICE), 400);
        assertThat(status(requestId)).isEqualTo("SUSPENDED");
    }

    @Test
    void aNumberWrittenWithTooManyDigitsAnswers400AndStoresNothing() {
        String newestBefore = newestSession();
        // 1,200 digits: past the JSON parser's own cap for a number, which failed with 500 before
        String longNumber = "{\"before\":" + "1".repeat(1200) + ",\"after\":0}";

        assertThat(problem(server().post(FLOWS + "/it-counter/actions/chat", longNumber, ALICE), 400)
                        .get("detail")
                        .toString())
                .startsWith("CRUX0107E");
        assertThat(newestSession()).isEqualTo(newestBefore);
    }

    @Test
    void queryParametersThatDoNotReadAnswer400ProblemsNot404() {
        String requestId =
                accepted(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":1,\"after\":0}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));
        String session = newestSession();
        for (String path : List.of(
                FLOWS + "/runs?limit=abc",
                FLOWS + "/runs?limit=2147483648",
                FLOWS + "/runs?offset=x",
                FLOWS + "/runs?status=bogus",
                FLOWS + "/it-counter/sessions/" + session + "/items?limit=many",
                FLOWS + "/it-counter/requests/" + requestId + "/stream?starting_after=x")) {
            assertThat(problem(server().get(path, ALICE), 400).get("detail").toString())
                    .as(path)
                    .startsWith("CRUX0193E");
        }
        assertThat(problem(server().get(FLOWS + "/runs?limit=0", ALICE), 400)
                        .get("detail")
                        .toString())
                .startsWith("CRUX0103E");
        assertThat(problem(server().get(FLOWS + "/runs?offset=-1", ALICE), 400)
                        .get("detail")
                        .toString())
                .startsWith("CRUX0104E");
        assertThat(server().get(FLOWS + "/runs?status=suspended&limit=5&offset=0", ALICE)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aNulCharacterInTheQueryAnswers400AndChangesNothing() {
        String requestId =
                accepted(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":1,\"after\":0}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));

        // PostgreSQL's text holds no NUL: the cancel's reason failed the run's end with a 500 before
        assertThat(problem(server().post(FLOWS + "/runs/" + requestId + "/cancel?reason=a%00b", "", ALICE), 400)
                        .get("detail")
                        .toString())
                .startsWith("CRUX0109E");
        assertThat(status(requestId)).isEqualTo("SUSPENDED");
    }

    @Test
    void aMalformedPercentEscapeInTheQueryAnswersAsTheServerReadsItAndNever500() {
        // Liberty's RESTEasy could not decode such a query, nor then read the request's URI to log the
        // failure, and answered 500
        RawResponse limit = server().rawGet(FLOWS + "/runs?limit=%zz", ALICE);
        RawResponse other = server().rawGet(FLOWS + "/runs?x=%2", ALICE);
        switch (AppServer.kind()) {
            case "wildfly" -> { // Undertow refuses such a request itself, before any application sees it
                assertThat(limit.status()).as(limit.body()).isEqualTo(400);
                assertThat(other.status()).as(other.body()).isEqualTo(400);
            }
            case "payara" -> { // Jersey reads a malformed escape as its characters
                assertThat(problemDetail(limit)).as("no integer").startsWith("CRUX0193E");
                assertThat(other.status())
                        .as("no parameter of ours: " + other.body())
                        .isEqualTo(200);
            }
            default -> {
                assertThat(problemDetail(limit)).startsWith("CRUX0108E");
                assertThat(problemDetail(other)).startsWith("CRUX0108E");
            }
        }
    }

    /** @return the detail of a 400 problem answered to {@link AppServer#rawGet} */
    private static String problemDetail(RawResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        return Json.object(response.body()).get("detail").toString();
    }

    @Test
    void malformedJsonAnswers400() {
        String newestBefore = newestSession();
        assertThat(problem(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":", ALICE), 400)
                        .get("detail")
                        .toString())
                .contains("not valid JSON");
        assertThat(problem(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":\"many\"}", ALICE), 400))
                .isNotEmpty();
        assertThat(newestSession()).isEqualTo(newestBefore);
    }

    @Test
    void unknownKindActionSessionRequestAndRunAnswer404() {
        problem(server().post(FLOWS + "/no-such-kind/actions/chat", "{}", ALICE), 404);
        problem(server().post(FLOWS + "/it-counter/actions/no-such-action", "{}", ALICE), 404);
        problem(server().get(FLOWS + "/it-counter/sessions/no-such-session", ALICE), 404);
        problem(server().post(FLOWS + "/it-counter/sessions/no-such-session/actions/inc", "{}", ALICE), 404);
        problem(server().get(FLOWS + "/it-counter/requests/no-such-request", ALICE), 404);
        problem(server().get(FLOWS + "/it-counter/requests/no-such-request/stream", ALICE), 404);
        problem(server().get(FLOWS + "/runs/no-such-run", ALICE), 404);
    }

    @Test
    void wrongStateAnswers409() {
        String requestId =
                accepted(server().post(FLOWS + "/it-counter/actions/chat", "{\"before\":1,\"after\":0}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));
        assertThat(server().post(FLOWS + "/runs/" + requestId + "/signals/more", "\"done\"", ALICE)
                        .statusCode())
                .isEqualTo(200);

        Map<String, Object> signal =
                problem(server().post(FLOWS + "/runs/" + requestId + "/signals/more", "\"again\"", ALICE), 409);
        assertThat(signal.get("detail").toString()).startsWith("CRUX0021E");
        Map<String, Object> abort =
                problem(server().post(FLOWS + "/it-counter/requests/" + requestId + "/abort", "", ALICE), 409);
        assertThat(abort.get("detail").toString()).startsWith("CRUX0021E");
    }

    @Test
    void expiredSuspensionAnswers410() {
        String requestId = accepted(server().post(FLOWS + "/it-counter/actions/wait", "{\"expiryMillis\":200}", ALICE));
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUSPENDED".equals(status(requestId)));
        HttpResponse<String>[] answer = new HttpResponse[1];
        await("the suspension expires")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    answer[0] = server().post(FLOWS + "/runs/" + requestId + "/signals/never", "\"late\"", ALICE);
                    return answer[0].statusCode() != 200;
                });

        assertThat(answer[0].statusCode()).isEqualTo(410);
        assertThat(Json.object(answer[0].body())).containsEntry("status", "expired");
        assertThat(status(requestId)).isEqualTo("EXPIRED");
    }

    @Test
    void bodyOverTheLimitAnswers413() {
        String newestBefore = newestSession();
        String big = "{\"before\":1,\"after\":1,\"padding\":\"" + "x".repeat(ApiWar.MAX_BODY) + "\"}";

        Map<String, Object> problem = problem(server().post(FLOWS + "/it-counter/actions/chat", big, ALICE), 413);

        assertThat(problem.get("detail").toString()).contains(String.valueOf(ApiWar.MAX_BODY));
        assertThat(newestSession()).isEqualTo(newestBefore);
    }

    /**
     * The id of Alice's newest session (the list is newest first), or null for none: a session created
     * since shows as another, whatever the sessions other tests left on the server or database.
     */
    private static String newestSession() {
        List<String> sessions =
                Json.strings(server().get(FLOWS + "/it-counter/sessions", ALICE).body(), "id");
        return sessions.isEmpty() ? null : sessions.get(0);
    }

    /** Alice's runs, read page by page. */
    private static int runs() {
        int count = 0;
        for (int offset = 0; ; offset += 100) {
            int page = Json.list(server().get(FLOWS + "/runs?limit=100&offset=" + offset, ALICE)
                            .body())
                    .size();
            count += page;
            if (page < 100) {
                return count;
            }
        }
    }

    private static String status(String requestId) {
        return (String) Json.object(server().get(FLOWS + "/it-counter/requests/" + requestId, ALICE)
                        .body())
                .get("status");
    }

    private static String accepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(202);
        return (String) Json.object(response.body()).get("requestId");
    }

    static Map<String, Object> problem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode())
                .as(response.uri() + " " + response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        Map<String, Object> problem = Json.object(response.body());
        assertThat(problem)
                .containsEntry("status", java.math.BigDecimal.valueOf(status))
                .containsKeys("title", "detail");
        return problem;
    }
}
