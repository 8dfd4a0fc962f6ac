package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.langchain4j.Cassette.Mode;
import io.crux.ee.langchain4j.ScriptedModel.Reply;

/** A request without a recording fails with CRUX0310E and shows where it departs from the closest recording. */
class CassetteMismatchTest {

    @TempDir
    Path dir;

    private Path file;

    private static final ToolSpecification LOOKUP = ToolSpecification.builder()
            .name("lookupOrder")
            .description("Looks up an order")
            .parameters(JsonObjectSchema.builder()
                    .addStringProperty("id")
                    .required("id")
                    .build())
            .build();

    private static ChatRequest ask(String system, String question, ToolSpecification tool) {
        return ChatRequest.builder()
                .messages(SystemMessage.from(system), UserMessage.from(question))
                .toolSpecifications(tool)
                .build();
    }

    @BeforeEach
    void record() {
        file = dir.resolve("support.json");
        ScriptedModel real = ScriptedModel.named("support").reply(Reply.text("It ships today."), Reply.text("Hello."));
        ChatModel model = Cassette.open(file, Mode.RECORD).chatModel("support", real);
        model.chat(ask("You help with orders.", "Where is A-17?", LOOKUP));
        model.chat(ask("You greet.", "Hi", LOOKUP));
    }

    @Test
    void aChangedMessageShowsTheClosestRecordingsDifference() {
        ChatModel replay = Cassette.open(file, Mode.REPLAY).chatModel("support", null);

        CassetteMismatchError error = catchThrowableOfType(
                CassetteMismatchError.class, () -> replay.chat(ask("You help with orders.", "Where is A-18?", LOOKUP)));

        assertThat(error.getMessage())
                .startsWith("CRUX0310E")
                .contains("support.json")
                .contains("'support'")
                .contains("mode REPLAY")
                .contains("ending with user 'Where is A-18?'")
                .contains("closest recording, #0, differs in 1 place")
                .contains("messages[1].text: recorded \"Where is A-17?\", requested \"Where is A-18?\"")
                .contains("RECORD_MISSING");
        assertThat(error.model()).isEqualTo("support");
        assertThat(error.closestRecording()).hasValue(0);
        assertThat(error.differences()).hasSize(1);
        assertThat(error.file()).isEqualTo(file);
    }

    @Test
    void aChangedToolIsADifference() {
        ToolSpecification changed =
                LOOKUP.toBuilder().description("Finds an order by its id").build();
        ChatModel replay = Cassette.open(file, Mode.REPLAY).chatModel("support", null);

        assertThatThrownBy(() -> replay.chat(ask("You greet.", "Hi", changed)))
                .isInstanceOf(CassetteMismatchError.class)
                .hasMessageContaining("closest recording, #1")
                .hasMessageContaining(
                        "parameters.tools[0].description: recorded \"Looks up an order\", requested \"Finds an order by its id\"");
    }

    @Test
    void anExtraMessageAndAParameterAreDifferences() {
        ChatModel replay = Cassette.open(file, Mode.REPLAY).chatModel("support", null);
        ChatRequest longer = ChatRequest.builder()
                .messages(SystemMessage.from("You greet."), UserMessage.from("Hi"), UserMessage.from("Anyone there?"))
                .toolSpecifications(LOOKUP)
                .maxOutputTokens(50)
                .build();

        CassetteMismatchError error = catchThrowableOfType(CassetteMismatchError.class, () -> replay.chat(longer));

        assertThat(error.closestRecording()).hasValue(1);
        assertThat(error.differences())
                .containsExactly(
                        "messages[2]: recorded (absent), requested {\"role\":\"user\",\"text\":\"Anyone there?\"}",
                        "parameters.maxOutputTokens: recorded (absent), requested 50");
    }

    @Test
    void aModelWithoutRecordingsIsNotFoundAndRecordMissingWithoutARealModelFails() {
        assertThatThrownBy(() -> Cassette.open(file, Mode.REPLAY).registry(null).chatModel("other"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageStartingWith("CRUX0051E")
                .hasMessageContaining("[support]");

        ChatModel noReal =
                Cassette.open(file, Mode.RECORD_MISSING).registry(null).chatModel("support");
        assertThatThrownBy(() -> noReal.chat(ask("You greet.", "Bye", LOOKUP)))
                .isInstanceOf(CassetteMismatchError.class)
                .hasMessageContaining("mode RECORD_MISSING")
                .hasMessageContaining("No real model of that name was given");
    }
}
