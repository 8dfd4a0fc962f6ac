package io.crux.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;

/** The fault tests' view of one server: actions through the HTTP API, and the database through the WAR's SQL probe. */
final class Probe {

    private final AppServer server;

    Probe(AppServer server) {
        this.server = server;
    }

    /** @return the request id of a new run of the action, posted as alice */
    String start(String action, String json) {
        return start("it-fault", action, json);
    }

    /** @return the request id of a new run of the flow's action, posted as alice */
    String start(String flow, String action, String json) {
        HttpResponse<String> response =
                server.post(FaultWar.FLOWS + "/" + flow + "/actions/" + action, json, FaultWar.ALICE);
        assertThat(response.statusCode())
                .as("start %s: %s", action, response.body())
                .isEqualTo(202);
        return (String) Json.object(response.body()).get("requestId");
    }

    /** @return the URL of the request's stream on this server */
    String streamUrl(String requestId) {
        return server.url(FaultWar.FLOWS + "/it-fault/requests/" + requestId + "/stream");
    }

    /** @return this server's JVM process id */
    long pid() {
        return Long.parseLong(server.get(FaultWar.FAULT + "/pid").body().trim());
    }

    void openGate(String runId) {
        assertThat(server.post(FaultWar.FAULT + "/gates/" + runId, "").statusCode())
                .isEqualTo(200);
    }

    /** @return the run's row (STATUS, OWNER, VERSION, OUTPUT_JSON, ERROR) */
    Map<String, Object> run(String runId) {
        return Json.object(server.get(FaultWar.FAULT + "/runs/" + runId).body());
    }

    String status(String runId) {
        return (String) run(runId).get("STATUS");
    }

    /** @return the run's checkpoint rows in position order */
    List<Object> checkpoints(String runId) {
        return Json.list(
                server.get(FaultWar.FAULT + "/runs/" + runId + "/checkpoints").body());
    }

    /** @return the request's stored events, as {@code seq:type} */
    List<String> storedEvents(String requestId) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> e : storedEnvelopes(requestId)) {
            out.add(((Number) e.get("seq")).longValue() + ":" + e.get("type"));
        }
        return out;
    }

    /** @return the request's stored events with seq, type and the envelope's JSON */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> storedEnvelopes(String requestId) {
        return (List<Map<String, Object>>)
                (List<?>) Json.list(server.get(FaultWar.FAULT + "/requests/" + requestId + "/events")
                        .body());
    }

    /** @return the ledger's rows of the run: step, node, pid, in the order they were written */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> ledger(String runId) {
        return (List<Map<String, Object>>) (List<?>)
                Json.list(server.get(FaultWar.FAULT + "/ledger/" + runId).body());
    }

    /** @return how often the step's body ran for the run */
    long executions(String runId, String step) {
        return ledger(runId).stream().filter(r -> step.equals(r.get("step"))).count();
    }

    /** @return the process ids that ran the step's body, in order */
    List<Long> executors(String runId, String step) {
        return ledger(runId).stream()
                .filter(r -> step.equals(r.get("step")))
                .map(r -> ((Number) r.get("pid")).longValue())
                .toList();
    }

    /** @return whether the server's datasource answers a query */
    boolean databaseReachable() {
        return server.get(FaultWar.FAULT + "/counts").statusCode() == 200;
    }

    /** @return the row count of each of crux-ee's tables */
    Map<String, Object> counts() {
        return Json.object(server.get(FaultWar.FAULT + "/counts").body());
    }
}
