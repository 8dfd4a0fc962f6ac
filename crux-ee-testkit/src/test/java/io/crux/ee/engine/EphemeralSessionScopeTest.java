package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowResource;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.ResourceScope;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.api.Sessions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestRun;

/**
 * What the session of a flow with {@code sessions = EPHEMERAL} holds in its one request: typed state
 * checked like a stored one, the run's own items for {@code items()}, and no session resources; the
 * test kit reads its client data with the run id as session id.
 */
class EphemeralSessionScopeTest {

    public record Question(String text) {}

    public record Count(int n) {}

    @FlowDefinition(value = "typed-scratch", sessions = Sessions.EPHEMERAL)
    @ScopeState(scope = Scope.SESSION, type = Count.class)
    public static class TypedScratch {
        @Action("write")
        public String write(FlowScope<Question> flow) {
            flow.session().inc("n", 1);
            try {
                flow.session().set("other", "x"); // no record of the session declares it
                return "written";
            } catch (InvalidInputException refused) {
                return refused.getMessage();
            }
        }
    }

    @FlowDefinition(value = "chat-scratch", sessions = Sessions.EPHEMERAL)
    @FlowResource(name = "bookmarks", scope = ResourceScope.USER, type = String.class)
    public static class ChatScratch {
        @Action(value = "ask", userMessage = "text")
        public List<String> ask(FlowScope<Question> flow) {
            flow.step("note", () -> flow.emit(Item.context("a fact")).id());
            flow.step("say", () -> {
                MessageStream m = flow.message("assistant");
                m.delta("hel");
                m.delta("lo");
                return m.done().id();
            });
            return flow.step(
                    "read",
                    () -> flow.items().stream()
                            .map(i -> i.type() + " " + i.status() + " "
                                    + i.content().get("text"))
                            .toList());
        }

        @Action("bookmark")
        public long bookmark(FlowScope<Question> flow) {
            return flow.step(
                    "bookmark",
                    () -> flow.resource("bookmarks", String.class)
                            .put("q", flow.input().text())
                            .version());
        }

        @Action("session-resource")
        public String sessionResource(FlowScope<Question> flow) {
            flow.resource(ResourceDecl.session("scratchpad", String.class)).put("k", "v");
            return "stored";
        }

        @ClientData("bookmarks")
        public List<String> bookmarks(ClientData.Context client) {
            return client.resource("bookmarks", String.class).list(null, 10).entries().stream()
                    .map(e -> e.value())
                    .toList();
        }
    }

    @FlowDefinition(value = "notes-scratch", sessions = Sessions.EPHEMERAL)
    @FlowResource(name = "notes", type = String.class) // scope SESSION by default
    public static class SessionResourceScratch {
        @Action("run")
        public String run(FlowScope<Question> flow) {
            return "";
        }
    }

    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void untypedWritesToATypedEphemeralSessionAreChecked() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new TypedScratch())
                .input(new Question("q"))
                .run()
                .assertCompleted();

        assertThat(run.output()).startsWith("CRUX0232E").contains("other");
    }

    @Test
    void itemsAreTheRunsOwnInOrderEachAsLastEmitted() {
        TestRun<List<String>> run = CruxTest.<Question, List<String>>testFlow(new ChatScratch())
                .action("ask")
                .input(new Question("hi"))
                .run()
                .assertCompleted();

        assertThat(run.output())
                .containsExactly("MESSAGE COMPLETED hi", "CONTEXT COMPLETED a fact", "MESSAGE COMPLETED hello");
        assertThat(run.items().list()).as("still nothing stored").isEmpty();
    }

    @Test
    void theTestKitReadsClientDataAndResourcesOfAnEphemeralRun() {
        TestRun<Long> run = CruxTest.<Question, Long>testFlow(new ChatScratch())
                .action("bookmark")
                .input(new Question("hi"))
                .run()
                .assertCompleted();

        assertThat(run.clientData()).isEqualTo(Map.of("bookmarks", List.of("hi")));
        assertThat(run.resource("bookmarks", String.class).get("q")).contains("hi");
    }

    @Test
    void aSessionResourceIsRefusedAtDeploymentAtRegistrationAndInCode() {
        assertThat(FlowDefinitions.read(
                                SessionResourceScratch.class,
                                FlowDefinitions.InstanceSource.of(SessionResourceScratch::new))
                        .problems())
                .singleElement()
                .satisfies(p -> assertThat(p).startsWith("CRUX0217E").contains("'notes-scratch'", "'notes'"));

        h = EngineHarness.on(new InMemorySessionStore(new JsonbPayloadCodec()), "node-1", new InlineExecutor());
        FlowModel plain = new FlowModel(
                "notes-scratch", true, SessionResourceScratch.class, Map.of(), false, Map.of(), Sessions.EPHEMERAL);
        assertThatThrownBy(() -> h.engine.register(plain))
                .isInstanceOf(FlowDefinitionException.class)
                .hasMessageStartingWith("CRUX0217E");

        TestRun<String> run = CruxTest.<Question, String>testFlow(new ChatScratch())
                .action("session-resource")
                .input(new Question("q"))
                .run();
        assertThat(run.failure())
                .isInstanceOf(FlowDefinitionException.class)
                .hasMessageStartingWith("CRUX0217E")
                .hasMessageContaining("'scratchpad'");
    }
}
