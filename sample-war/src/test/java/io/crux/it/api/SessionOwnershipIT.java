package io.crux.it.api;

import static io.crux.it.api.HttpErrorsIT.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;

/** A session belongs to its user: another user gets 404 for everything in it, and no user gets 401. */
@SharedServer(ApiWar.SHARED)
class SessionOwnershipIT {

    private static final String ALICE = "alice:alice-password";
    private static final String BOB = "bob:bob-password";
    private static final String FLOWS = ApiWar.FLOWS + "/it-counter";

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void anotherUserCannotSeeOrActOnTheSessionAndNoUserIsRefused() {
        Map<String, Object> accepted =
                Json.object(server().post(FLOWS + "/actions/inc", "{}", ALICE).body());
        String session = (String) accepted.get("sessionId");
        String request = (String) accepted.get("requestId");
        await().atMost(Duration.ofMinutes(1))
                .until(() -> "COMPLETED"
                        .equals(Json.object(server().get(FLOWS + "/requests/" + request, ALICE)
                                        .body())
                                .get("status")));
        assertThat(Json.object(server().get(FLOWS + "/sessions/" + session + "/state", ALICE)
                        .body()))
                .containsEntry("counter", java.math.BigDecimal.ONE);

        problem(server().get(FLOWS + "/sessions/" + session, BOB), 404);
        problem(server().get(FLOWS + "/sessions/" + session + "/state", BOB), 404);
        problem(server().get(FLOWS + "/sessions/" + session + "/items", BOB), 404);
        problem(server().post(FLOWS + "/sessions/" + session + "/actions/inc", "{}", BOB), 404);
        problem(server().delete(FLOWS + "/sessions/" + session, BOB), 404);
        problem(server().get(FLOWS + "/requests/" + request, BOB), 404);
        problem(server().get(FLOWS + "/requests/" + request + "/stream", BOB), 404);
        problem(server().post(FLOWS + "/requests/" + request + "/abort", "", BOB), 404);
        // Bob's own sessions and runs, if other classes made any on this server or database, are listed; Alice's not
        assertThat(Json.strings(server().get(FLOWS + "/sessions", BOB).body(), "id"))
                .doesNotContain(session);
        problem(server().get(ApiWar.FLOWS + "/runs/" + request, BOB), 404);
        problem(server().post(ApiWar.FLOWS + "/runs/" + request + "/cancel", "", BOB), 404);
        assertThat(Json.strings(server().get(ApiWar.FLOWS + "/runs", BOB).body(), "flowId"))
                .doesNotContain(request);
        assertThat(Json.strings(server().get(ApiWar.FLOWS + "/runs", ALICE).body(), "flowId"))
                .contains(request);

        problem(server().get(FLOWS + "/sessions/" + session, null), 401);
        problem(server().post(FLOWS + "/actions/inc", "{}", null), 401);

        assertThat(Json.strings(server().get(FLOWS + "/sessions", ALICE).body(), "id"))
                .contains(session);
        assertThat(server().delete(FLOWS + "/sessions/" + session, ALICE).statusCode())
                .isEqualTo(204);
        problem(server().get(FLOWS + "/sessions/" + session, ALICE), 404);
    }
}
