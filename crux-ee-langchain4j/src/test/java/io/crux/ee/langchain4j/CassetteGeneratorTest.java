package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.Capability;

import io.crux.ee.langchain4j.Cassette.Mode;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * A generator uses a cassette's model by name, with no change to its code: tool calls, structured
 * output with a JSON-schema response format and streaming round-trip through the file.
 */
class CassetteGeneratorTest {

    @TempDir
    Path dir;

    /** Tools as an application bean would declare them. */
    public static class OrderTools {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Tool("Looks up the status of an order")
        public String orderStatus(String id) {
            calls.add(id);
            return "order " + id + " ships today";
        }
    }

    /** The record the model fills. */
    public record Answer(String status, int days) {}

    private static Generator<String, Answer> generator(OrderTools tools, boolean streaming) {
        return Generator.<String>named("support")
                .model("research")
                .system("You answer questions about orders.")
                .prompt((q, ctx) -> q)
                .tools(tools)
                .streaming(streaming)
                .output(Answer.class);
    }

    private static TestRun<Answer> run(Generator<String, Answer> generator, ModelRegistry models) {
        return CruxTest.testBlock(generator)
                .input("Where is A-17?")
                .service(ModelRegistry.class, models)
                .run();
    }

    private void roundTrip(boolean streaming) throws Exception {
        Path file = dir.resolve("research.json");
        ScriptedModel real = ScriptedModel.named("research")
                .withCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .reply(
                        Reply.toolCall("orderStatus", "{\"id\":\"A-17\"}"),
                        Reply.json("{\"status\":\"ships today\",\"days\":0}"));
        OrderTools recordingTools = new OrderTools();

        Cassette recording = Cassette.open(file, Mode.RECORD);
        TestRun<Answer> recorded =
                run(generator(recordingTools, streaming), recording.registry(ModelRegistry.of("research", real)));
        assertThat(recorded.output()).isEqualTo(new Answer("ships today", 0));
        assertThat(real.requests()).hasSize(2);
        assertThat(real.requests().get(0).responseFormat()).isNotNull();

        String json = Files.readString(file);
        assertThat(json)
                .contains("\"toolCalls\"")
                .contains("\"RESPONSE_FORMAT_JSON_SCHEMA\"")
                .contains("\"role\": \"tool\"");

        Cassette replay = Cassette.open(file, Mode.REPLAY);
        OrderTools replayTools = new OrderTools();
        TestRun<Answer> replayed = run(generator(replayTools, streaming), replay.registry(null));

        assertThat(replayed.output()).isEqualTo(recorded.output());
        assertThat(replayTools.calls)
                .as("the tools run again; only the model is replayed")
                .containsExactly("A-17");
        assertThat(replay.unusedRecordings()).isEmpty();
        assertThat(replayed.items().list()).hasSameSizeAs(recorded.items().list());
    }

    @Test
    void aBlockingGeneratorWithToolsAndStructuredOutputReplays() throws Exception {
        roundTrip(false);
    }

    @Test
    void aStreamingGeneratorWithToolsAndStructuredOutputReplays() throws Exception {
        roundTrip(true);
    }
}
