package io.crux.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** The help desk declares the question as the action's user message: the engine emits it, once and first. */
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
}
