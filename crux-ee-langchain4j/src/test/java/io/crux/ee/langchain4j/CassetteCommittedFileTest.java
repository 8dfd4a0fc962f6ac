package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.langchain4j.agent.tool.Tool;

import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * The workflow of a cassette kept in the repository: {@code src/test/resources/cassettes/orders.json}
 * replays in CI (mode REPLAY by default). It was recorded by running this test with
 * {@code -Dcrux.cassette.mode=RECORD}; here the "real" model is a scripted one, where an application
 * would give its configured models.
 */
class CassetteCommittedFileTest {

    private static final Path CASSETTE = Path.of("src/test/resources/cassettes/orders.json");

    /** Tools as an application bean would declare them. */
    public static class OrderTools {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool("Looks up the status of an order")
        public String orderStatus(String id) {
            calls.add(id);
            return "order " + id + " ships today";
        }
    }

    @Test
    void theCommittedCassetteReplaysTheConversation() {
        ScriptedModel real = ScriptedModel.named("orders")
                .reply(Reply.toolCall("orderStatus", "{\"id\":\"A-17\"}"), Reply.text("Your order A-17 ships today."));
        Cassette cassette = Cassette.open(CASSETTE);
        OrderTools tools = new OrderTools();
        Generator<String, String> answer = Generator.<String>named("answer")
                .model("orders")
                .system("You answer questions about the user's orders.")
                .prompt((q, ctx) -> q)
                .tools(tools);

        TestRun<String> run = CruxTest.testBlock(answer)
                .input("Where is my order A-17?")
                .service(ModelRegistry.class, cassette.registry(ModelRegistry.of("orders", real)))
                .run();

        assertThat(run.output()).isEqualTo("Your order A-17 ships today.");
        assertThat(tools.calls).containsExactly("A-17");
        assertThat(cassette.unusedRecordings()).isEmpty();
        if (cassette.mode() == Cassette.Mode.REPLAY) {
            assertThat(real.requests()).as("replay never calls the model").isEmpty();
        }
    }
}
