package io.crux.it.life;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * The sample's expense flow suspends for a manager; the server stops and starts; the approval
 * signal completes the run, and each step before the suspension ran exactly once (counted in the
 * sample's audit table), as did the sample's observer of the claim's completion.
 */
class SuspendAcrossRestartIT {

    private static final String EXPENSES = "/crux-sample/api/expenses";

    @RegisterExtension
    static final RunningServer SERVER =
            RunningServer.with("cruxRestart", EXPENSES, s -> s.deploy(Path.of(System.getProperty("sample.war"))));

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    @SuppressWarnings("unchecked")
    void suspendedRunSurvivesARestartAndCompletesOnSignal() {
        HttpResponse<String> submitted = server().post(
                        EXPENSES,
                        "{\"employee\":\"ada\",\"amount\":120.50,\"currency\":\"USD\",\"description\":\"train to Lyon\"}");
        assertThat(submitted.statusCode()).isEqualTo(202);
        String id = (String) Json.object(submitted.body()).get("id");
        assertThat(Json.object(submitted.body())).containsEntry("status", "WAITING_FOR_MANAGER");

        server().stop();
        server().start(EXPENSES);

        Map<String, Object> run = (Map<String, Object>)
                Json.object(server().get(EXPENSES + "/" + id).body()).get("run");
        assertThat(run).containsEntry("status", "SUSPENDED").containsEntry("suspensionName", "manager-approval");

        HttpResponse<String> approved = server().post(
                        EXPENSES + "/" + id + "/approval",
                        "{\"approved\":true,\"manager\":\"grace\",\"comment\":\"fine\"}");
        assertThat(approved.statusCode()).isEqualTo(200);
        Map<String, Object> decision =
                (Map<String, Object>) Json.object(approved.body()).get("decision");
        assertThat(decision).containsEntry("outcome", "APPROVED").containsEntry("decidedBy", "grace");

        Map<String, Object> after =
                Json.object(server().get(EXPENSES + "/" + id).body());
        assertThat((Map<String, Object>) after.get("run")).containsEntry("status", "COMPLETED");
        assertThat((Map<String, Object>) after.get("sideEffects"))
                // claim-completed: the sample's observer of RunCompleted, told once after the restart
                .containsOnlyKeys("convert-currency", "check-policy", "book-payment", "claim-completed")
                .allSatisfy((step, count) ->
                        assertThat(((Number) count).intValue()).as(step).isEqualTo(1));
        // booked in a transactional step: one payment row, the one the decision names
        assertThat((List<Map<String, Object>>) after.get("payments"))
                .singleElement()
                .satisfies(p -> assertThat(p.get("reference"))
                        .isEqualTo(decision.get("paymentReference"))
                        .asString()
                        .startsWith("PAY-"));

        HttpResponse<String> again =
                server().post(EXPENSES + "/" + id + "/approval", "{\"approved\":true,\"manager\":\"grace\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(again.body()).contains("CRUX0021E");
    }
}
