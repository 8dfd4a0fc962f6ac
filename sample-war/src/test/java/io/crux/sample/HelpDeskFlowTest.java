package io.crux.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;

import io.crux.ee.api.Item;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * The help desk: the user's message (the action's, emitted by the engine once and first), then the
 * answer streamed by the generator from the session's history; a question it cannot answer opens a
 * ticket (a component item); a follow-up is answered from the earlier question's topic; the session
 * and user state are typed.
 */
class HelpDeskFlowTest {

    private static TestRun<String> ask(String text) {
        return ask(text, Map.of());
    }

    private static TestRun<String> ask(String text, Map<String, ?> session) {
        return CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                .user("alice")
                .session("desk-1")
                .sessionState(session)
                .service(
                        ModelRegistry.class,
                        ModelRegistry.of(HelpDeskModel.NAME, new HelpDeskModel(Thread::new, Duration.ZERO)))
                .input(new Question(text))
                .run();
    }

    @Test
    void aKnownQuestionIsAnsweredAndStreamedWithoutATicket() {
        TestRun<String> run = ask("How do I file an expense?");

        run.assertCompleted()
                .assertOutput(
                        "Submit the claim with POST /api/expenses; claims over 50 EUR wait for a manager's approval.");
        run.steps()
                .succeeded("help-desk/answer", "help-desk/count")
                .inOrder("help-desk/answer", "help-desk/count")
                .count(2);
        run.items()
                .hasTypes(Item.Type.MESSAGE, Item.Type.STATUS, Item.Type.MESSAGE)
                .containsMessage("user", "How do I file an expense?");
        assertThat(run.items().list().get(0).content())
                .containsEntry("role", "user")
                .containsEntry("text", "How do I file an expense?");
        assertThat(run.storedEvents())
                .filteredOn(e -> e.type().startsWith("item.") && e.json().contains("\"role\":\"user\""))
                .as("the user's message, once")
                .hasSize(1);
        assertThat(run.events()).anyMatch(e -> e.type().equals("content.delta"));
        run.session().has("questions", 1).has("lastTopic", "expense");
    }

    @Test
    void aQuestionCountsInTheTypedSessionAndAddsItsTopicToTheUser() {
        TestRun<String> run = ask("How do I reset my password?", Map.of("questions", 2));

        run.assertCompleted().session().has("questions", 3).has("lastTopic", "password");
        assertThat(run.user().get("topics", List.class)).contains(List.of("password"));
        assertThat(run.output()).contains("self-service portal");
    }

    @Test
    void anUnknownQuestionOpensATicketForTheClient() {
        TestRun<String> run = ask("Where is the canteen?");

        run.assertCompleted().assertOutput(HelpDeskModel.UNKNOWN);
        Item ticket = run.items().ofType(Item.Type.COMPONENT).get(0);
        assertThat(ticket.audience()).isEqualTo(Item.Audience.CLIENT);
        assertThat(ticket.content()).containsEntry("name", "ticket");
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) ticket.content().get("props");
        assertThat(props).containsEntry("subject", "Where is the canteen?").containsEntry("status", "open");
    }

    @Test
    void aFollowUpIsAnsweredFromTheConversationTheGeneratorSends() {
        String followUp = HelpDeskModel.answer(List.of(
                UserMessage.from("I forgot my password"),
                AiMessage.from("Use the self-service portal..."),
                UserMessage.from("How long does that take?")));

        assertThat(followUp).startsWith("About your earlier question on password: Use the self-service portal");
        assertThat(HelpDeskModel.answer(List.of(UserMessage.from("How long does that take?"))))
                .as("no earlier topic")
                .isEqualTo(HelpDeskModel.UNKNOWN);
        assertThat(HelpDeskModel.answer(
                        List.of(UserMessage.from("I forgot my password"), UserMessage.from("Where is the canteen?"))))
                .as("a new question, not a follow-up")
                .isEqualTo(HelpDeskModel.UNKNOWN);
    }
}
