package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;

import io.crux.ee.langchain4j.Cassette.Mode;
import io.crux.ee.langchain4j.ScriptedModel.Reply;

/** Record against a (scripted) real model, then replay from the file without calling any model. */
class CassetteRoundTripTest {

    @TempDir
    Path dir;

    private static ChatRequest ask(String question) {
        return ChatRequest.builder()
                .messages(SystemMessage.from("You answer briefly."), UserMessage.from(question))
                .temperature(0.2)
                .maxOutputTokens(100)
                .build();
    }

    private static String text(ChatModel model, String question) {
        return model.chat(ask(question)).aiMessage().text();
    }

    private Path record(String fileName) {
        Path file = dir.resolve(fileName);
        ScriptedModel real = ScriptedModel.named("research")
                .reply(Reply.text("first").withUsage(12, 3), Reply.text("second"), Reply.text("other"));
        ChatModel recording = Cassette.open(file, Mode.RECORD).chatModel("research", real);
        assertThat(text(recording, "same")).isEqualTo("first");
        assertThat(text(recording, "same")).isEqualTo("second");
        assertThat(text(recording, "different")).isEqualTo("other");
        assertThat(real.requests()).hasSize(3);
        return file;
    }

    @Test
    void aRecordingReplaysInRecordedOrderWithoutCallingAModel() throws Exception {
        Path file = record("research.json");

        Cassette cassette = Cassette.open(file, Mode.REPLAY);
        assertThat(cassette.size()).isEqualTo(3);
        ScriptedModel never = ScriptedModel.named("never");
        ChatModel replay = cassette.chatModel("research", never);

        assertThat(text(replay, "different")).isEqualTo("other");
        assertThat(cassette.unusedRecordings())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r).contains("'same'"));
        ChatResponse first = replay.chat(ask("same"));
        assertThat(first.aiMessage().text()).isEqualTo("first");
        assertThat(first.tokenUsage().inputTokenCount()).isEqualTo(12);
        assertThat(first.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(first.modelName()).isEqualTo("scripted:research");
        assertThat(text(replay, "same")).isEqualTo("second");
        assertThat(text(replay, "same")).as("used up: the last one repeats").isEqualTo("second");
        assertThat(cassette.unusedRecordings()).isEmpty();
        assertThat(never.requests()).as("replay never calls a model").isEmpty();
        assertThat(replay.defaultRequestParameters().modelName()).isEqualTo("scripted:research");
    }

    @Test
    void theFileIsPrettyStableJson() throws Exception {
        String once = Files.readString(record("a.json"));
        String twice = Files.readString(record("b.json"));

        assertThat(twice)
                .as("recording the same calls again gives the same bytes")
                .isEqualTo(once);
        assertThat(once).endsWith("\n").contains("\n    \"recordings\": [");
        List<String> lines = once.lines().toList();
        assertThat(lines).hasSizeGreaterThan(40);
        assertThat(once.indexOf("\"format\"")).isLessThan(once.indexOf("\"models\""));
        assertThat(once.indexOf("\"models\"")).isLessThan(once.indexOf("\"recordings\""));
        assertThat(once)
                .contains("\"temperature\": 0.2")
                .contains("\"maxOutputTokens\": 100")
                .contains("\"text\": \"You answer briefly.\"");
        assertThat(once).as("response ids are volatile and left out").doesNotContain("scripted-1");
    }

    @Test
    void recordingAgainReplacesTheOldRecordings() throws Exception {
        Path file = record("research.json");
        ScriptedModel real = ScriptedModel.named("research").reply("new");

        ChatModel recording = Cassette.open(file, Mode.RECORD).chatModel("research", real);
        assertThat(text(recording, "fresh")).isEqualTo("new");

        Cassette replay = Cassette.open(file, Mode.REPLAY);
        assertThat(replay.size()).isEqualTo(1);
        assertThat(text(replay.chatModel("research", null), "fresh")).isEqualTo("new");
    }

    @Test
    void recordMissingReplaysWhatIsThereAndAppendsWhatIsNot() {
        Path file = record("research.json");
        ScriptedModel real = ScriptedModel.named("research").reply("recorded now");

        Cassette cassette = Cassette.open(file, Mode.RECORD_MISSING);
        ChatModel model = cassette.chatModel("research", real);
        assertThat(text(model, "same")).isEqualTo("first");
        assertThat(real.requests()).isEmpty();
        assertThat(text(model, "new question")).isEqualTo("recorded now");
        assertThat(real.requests()).hasSize(1);

        Cassette reopened = Cassette.open(file, Mode.REPLAY);
        assertThat(reopened.size()).isEqualTo(4);
        assertThat(text(reopened.chatModel("research", null), "new question")).isEqualTo("recorded now");
    }
}
