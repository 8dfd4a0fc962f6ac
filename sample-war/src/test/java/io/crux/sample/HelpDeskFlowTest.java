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
 * The help desk: the user's message, then the answer streamed by the generator from the session's
 * history; a question it cannot answer opens a ticket (a component item); a follow-up is answered from
 * the earlier question's topic.
 */
class HelpDeskFlowTest {

    private static TestRun<String> ask(String text) {
        return CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                .user("alice")
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
        assertThat(run.events()).anyMatch(e -> e.type().equals("content.delta"));
        run.session().has("questions", 1);
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
