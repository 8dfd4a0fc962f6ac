package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import io.crux.ee.langchain4j.Cassette.Mode;
import io.crux.ee.langchain4j.ScriptedModel.Reply;

/** A streamed recording replays in its recorded chunks; tool calls and thinking come back too. */
class CassetteStreamingTest {

    @TempDir
    Path dir;

    /** Collects what a streaming model sends; scripted and replayed models send on the calling thread. */
    static final class Collected implements StreamingChatResponseHandler {
        final List<String> events = new ArrayList<>();
        ChatResponse response;

        @Override
        public void onPartialResponse(String partial) {
            events.add("token:" + partial);
        }

        @Override
        public void onPartialThinking(PartialThinking thinking) {
            events.add("thinking:" + thinking.text());
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall call) {
            events.add("tool:" + call.toolExecutionRequest().name()
                    + call.toolExecutionRequest().arguments());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            events.add("complete");
            this.response = response;
        }

        @Override
        public void onError(Throwable error) {
            events.add("error:" + error);
        }
    }

    private static Collected stream(StreamingChatModel model, String question) {
        Collected c = new Collected();
        model.chat(ChatRequest.builder().messages(UserMessage.from(question)).build(), c);
        return c;
    }

    @Test
    void aStreamedReplyReplaysInItsChunks() {
        Path file = dir.resolve("stream.json");
        ScriptedModel real = ScriptedModel.named("writer")
                .reply(
                        Reply.text("Durable flows survive restarts.")
                                .withChunks("Dur", "able flows", " survive", " restarts.")
                                .withThinking("The user wants one sentence."),
                        Reply.toolCall("search", "{\"q\":\"crux\"}"));
        StreamingChatModel recording = Cassette.open(file, Mode.RECORD).streamingChatModel("writer", real);
        Collected recorded = stream(recording, "Write one sentence.");
        Collected recordedTool = stream(recording, "Search.");

        StreamingChatModel replay = Cassette.open(file, Mode.REPLAY).streamingChatModel("writer", null);
        Collected replayed = stream(replay, "Write one sentence.");
        Collected replayedTool = stream(replay, "Search.");

        assertThat(replayed.events)
                .containsExactly(
                        "thinking:The user wants one sentence.",
                        "token:Dur",
                        "token:able flows",
                        "token: survive",
                        "token: restarts.",
                        "complete");
        assertThat(replayed.events).isEqualTo(recorded.events);
        assertThat(replayed.response.aiMessage().text()).isEqualTo("Durable flows survive restarts.");
        assertThat(replayedTool.events).containsExactly("tool:search{\"q\":\"crux\"}", "complete");
        assertThat(replayedTool.events).isEqualTo(recordedTool.events);
        assertThat(replayedTool
                        .response
                        .aiMessage()
                        .toolExecutionRequests()
                        .get(0)
                        .id())
                .isEqualTo(recordedTool
                        .response
                        .aiMessage()
                        .toolExecutionRequests()
                        .get(0)
                        .id());
    }

    @Test
    void aBlockingRecordingStreamsWordByWord() {
        Path file = dir.resolve("blocking.json");
        Cassette.open(file, Mode.RECORD)
                .chatModel("writer", ScriptedModel.named("writer").reply("Two  words"))
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from("Say it."))
                        .build());

        Collected replayed =
                stream(Cassette.open(file, Mode.REPLAY).registry(null).streamingChatModel("writer"), "Say it.");

        assertThat(replayed.events).containsExactly("token:Two  ", "token:words", "complete");
    }
}
