package io.crux.ee.sse.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.Test;

import io.crux.ee.codec.JsonSchemas;
import io.crux.ee.service.FlowKind;

/** The operations the OpenAPI document gets for a flow kind's actions. */
class ActionOperationsTest {

    record Question(@NotBlank String text, int priority) {}

    record Ticket(String id) {}

    private static FlowKind helpDesk() {
        Map<String, java.lang.reflect.Type> actions = new LinkedHashMap<>();
        actions.put("ask", Question.class);
        actions.put("close", Ticket.class);
        return new FlowKind("help-desk", true, actions, Map.of());
    }

    record Approval(@NotBlank String approver, boolean approved) {}

    @Test
    void everyDeclaredSignalGetsItsPathWithThePayloadSchemaOfEachKindThatDeclaresIt() {
        FlowKind claims = new FlowKind(
                "claims", true, Map.of("submit", Ticket.class), Map.of(), Map.of("manager approval", Approval.class));
        FlowKind trips = new FlowKind(
                "trips", true, Map.of("book", Ticket.class), Map.of(), Map.of("manager approval", String.class));
        FlowKind refunds = new FlowKind(
                "refunds", true, Map.of("ask", Ticket.class), Map.of(), Map.of("manager approval", Approval.class));
        List<ActionOperations.Planned> actions = ActionOperations.plan("/api", List.of(claims, trips, refunds));

        List<ActionOperations.PlannedSignal> signals =
                ActionOperations.planSignals("/api", List.of(claims, trips, refunds), actions);

        assertThat(signals).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo("/api/flows/runs/{runId}/signals/manager%20approval");
            assertThat(s.operationId()).isEqualTo("signalManagerApproval");
            assertThat(s.payloads()).containsOnlyKeys("claims", "trips", "refunds");
            assertThat(s.payloads().get("refunds"))
                    .as("one component per distinct payload type")
                    .isSameAs(s.payloads().get("claims"));
            assertThat(s.payloads().get("claims").getKey()).isEqualTo("claims.manager_approval.signal");
            assertThat(s.payloads().get("claims").getValue()).isEqualTo(JsonSchemas.of(Approval.class));
            assertThat(s.payloads().get("trips").getValue()).isEqualTo(JsonSchemas.of(String.class));
        });
    }

    @Test
    void theApplicationPathIsWhatComesBeforeTheGenericActionPath() {
        assertThat(ActionOperations.prefix(List.of("/api/flows", "/api/flows/{kind}/actions/{action}")))
                .contains("/api");
        assertThat(ActionOperations.prefix(List.of("/flows/{kind}/actions/{action}")))
                .contains("");
        assertThat(ActionOperations.prefix(List.of("/api/expenses"))).isEmpty();
    }

    @Test
    void everyActionGetsItsPathsWithItsInputSchema() {
        List<ActionOperations.Planned> planned = ActionOperations.plan("/api", List.of(helpDesk()));

        assertThat(planned)
                .extracting(ActionOperations.Planned::path)
                .containsExactly(
                        "/api/flows/help-desk/actions/ask",
                        "/api/flows/help-desk/sessions/{sessionId}/actions/ask",
                        "/api/flows/help-desk/actions/close",
                        "/api/flows/help-desk/sessions/{sessionId}/actions/close");
        assertThat(planned)
                .extracting(ActionOperations.Planned::operationId)
                .containsExactly("helpDeskAsk", "helpDeskAskInSession", "helpDeskClose", "helpDeskCloseInSession");
        ActionOperations.Planned ask = planned.get(0);
        assertThat(ask.schemaName()).isEqualTo("help-desk.ask.input");
        assertThat(ask.inputSchema()).isEqualTo(JsonSchemas.of(Question.class));
        assertThat(ask.inputSchema()).containsEntry("required", List.of("text"));
        assertThat(ask.requireUser()).isTrue();
        assertThat(planned.get(1).schemaName()).as("one schema for both paths").isEqualTo("help-desk.ask.input");
    }

    @Test
    void namesBecomeOperationIdsAndComponentNames() {
        assertThat(ActionOperations.camel("help-desk")).isEqualTo("helpDesk");
        assertThat(ActionOperations.camel("research_v2.plan")).isEqualTo("researchV2Plan");
        assertThat(ActionOperations.component("a b/c.d-e_f")).isEqualTo("a_b_c.d-e_f");
    }

    @Test
    void kindsWhoseNamesMapToTheSameIdGetDistinctIdsAndComponents() {
        List<ActionOperations.Planned> planned = ActionOperations.plan(
                "/api",
                List.of(
                        new FlowKind("help-desk", false, Map.of("ask", Question.class), Map.of()),
                        new FlowKind("help_desk", false, Map.of("ask", Question.class), Map.of()),
                        new FlowKind("help desk", false, Map.of("ask", Question.class), Map.of())));

        assertThat(planned)
                .extracting(ActionOperations.Planned::operationId)
                .containsExactly(
                        "helpDeskAsk",
                        "helpDeskAskInSession",
                        "helpDeskAsk_2",
                        "helpDeskAsk_2InSession",
                        "helpDeskAsk_3",
                        "helpDeskAsk_3InSession")
                .doesNotHaveDuplicates();
        assertThat(planned.stream().filter(p -> !p.inSession()).map(ActionOperations.Planned::schemaName))
                .containsExactly("help-desk.ask.input", "help_desk.ask.input", "help_desk.ask.input_2");
    }

    @Test
    void pathSegmentsArePercentEncoded() {
        List<ActionOperations.Planned> planned = ActionOperations.plan(
                "/api", List.of(new FlowKind("help desk/é", false, Map.of("a?b", Question.class), Map.of())));

        assertThat(planned)
                .extracting(ActionOperations.Planned::path)
                .containsExactly(
                        "/api/flows/help%20desk%2F%C3%A9/actions/a%3Fb",
                        "/api/flows/help%20desk%2F%C3%A9/sessions/{sessionId}/actions/a%3Fb");
        assertThat(ActionOperations.segment("help-desk_v2.x~")).isEqualTo("help-desk_v2.x~");
    }
}
