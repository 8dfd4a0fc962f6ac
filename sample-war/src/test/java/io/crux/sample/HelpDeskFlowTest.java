package io.crux.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * The help desk in plain unit tests: the question is the action's user message (the engine emits it,
 * once and first), and the typed session and user state.
 */
class HelpDeskFlowTest {

    @BeforeAll
    static void answerAtOnce() {
        System.setProperty("sample.help-desk.word-pause", "PT0S");
    }

    @Test
    void theQuestionIsTheUserMessageBeforeTheAnswer() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                .action("ask")
                .input(new Question("How do I file an expense?"))
                .run()
                .assertCompleted();

        assertThat(run.items().list())
                .extracting(Item::type)
                .containsExactly(Item.Type.MESSAGE, Item.Type.STATUS, Item.Type.MESSAGE);
        assertThat(run.items().list().get(0).content())
                .containsEntry("role", "user")
                .containsEntry("text", "How do I file an expense?");
        assertThat(run.output()).startsWith("Submit the claim");
        List<EventRecord> items = run.storedEvents().stream()
                .filter(e -> e.type().startsWith("item."))
                .toList();
        assertThat(items.get(0).json()).contains("\"role\":\"user\"");
        assertThat(items)
                .filteredOn(e -> e.json().contains("\"role\":\"user\""))
                .hasSize(1);
        run.session().has("questions", 1);
    }

    private static TestRun<String> ask(String question, Map<String, ?> session) {
        return CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                .action("ask")
                .session("desk-1")
                .user("alice")
                .sessionState(session)
                .input(new Question(question))
                .run();
    }

    @Test
    void aQuestionCountsInTheTypedSessionAndAddsItsTopicToTheUser() {
        TestRun<String> run = ask("How do I reset my password?", Map.of("questions", 2));

        run.assertCompleted().session().has("questions", 3).has("lastTopic", "password");
        assertThat(run.user().get("topics", List.class)).contains(List.of("password"));
        assertThat(run.output()).contains("self-service portal");
    }
}
