package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;

import io.crux.ee.langchain4j.ScriptedModel.Reply;

/** The scripted model: script in order, rules first, recorded requests, streaming chunks, unmocked calls. */
class ScriptedModelTest {

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().messages(UserMessage.from(text)).build();
    }

    @Test
    void scriptRepliesAreConsumedInOrderAndSayTheyAreScripted() {
        ScriptedModel model = ScriptedModel.named("m").reply("one", "two");

        ChatResponse first = model.chat(ask("a"));
        ChatResponse second = model.chat(ask("b"));

        assertThat(first.aiMessage().text()).isEqualTo("one");
        assertThat(second.aiMessage().text()).isEqualTo("two");
        assertThat(first.modelName()).isEqualTo("scripted:m");
        assertThat(first.id()).isEqualTo("scripted-1");
        assertThat(first.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(model.requests()).hasSize(2);
        assertThat(model.lastRequest().messages()).containsExactly(UserMessage.from("b"));
        assertThat(model.remainingReplies()).isZero();
    }

    @Test
    void rulesAnswerBeforeTheScriptAndRepeatTheirLastReply() {
        ScriptedModel model = ScriptedModel.named("m").reply("from script");
        model.when(ScriptedModel.lastUserMessageContains("weather")).reply("sunny", "rainy");

        assertThat(model.chat(ask("weather?")).aiMessage().text()).isEqualTo("sunny");
        assertThat(model.chat(ask("weather again?")).aiMessage().text()).isEqualTo("rainy");
        assertThat(model.chat(ask("and the weather now?")).aiMessage().text()).isEqualTo("rainy");
        assertThat(model.chat(ask("something else")).aiMessage().text()).isEqualTo("from script");
    }

    @Test
    void computedRulesAnswerFromTheRequestAndSystemMessagesTellGeneratorsApart() {
        ScriptedModel model = ScriptedModel.named("m");
        model.when(ScriptedModel.systemMessageContains("planner"))
                .replyWith(
                        request -> Reply.json("{\"asked\":" + request.messages().size() + "}"));
        model.when(ScriptedModel.lastUserMessageContains(""))
                .replyWith(request -> Reply.text("echo: "
                        + ((UserMessage) request.messages()
                                        .get(request.messages().size() - 1))
                                .singleText()));

        ChatRequest planning = ChatRequest.builder()
                .messages(
                        dev.langchain4j.data.message.SystemMessage.from("You are the planner."), UserMessage.from("x"))
                .build();

        assertThat(model.chat(planning).aiMessage().text()).isEqualTo("{\"asked\":2}");
        assertThat(model.chat(ask("hello")).aiMessage().text()).isEqualTo("echo: hello");
        assertThat(model.chat(ask("again")).aiMessage().text()).isEqualTo("echo: again");
    }

    @Test
    void toolCallAndErrorReplies() {
        ScriptedModel model = ScriptedModel.named("m")
                .reply(Reply.toolCall("lookup", "{\"id\":1}"), Reply.error(new RateLimitException("429")));

        ChatResponse call = model.chat(ask("x"));
        assertThat(call.aiMessage().toolExecutionRequests()).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("lookup");
            assertThat(r.arguments()).isEqualTo("{\"id\":1}");
            assertThat(r.id()).isEqualTo("call-1");
        });
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThatThrownBy(() -> model.chat(ask("y"))).isInstanceOf(RateLimitException.class);
    }

    @Test
    void anUnmockedCallIsAnAssertionErrorNamingTheRequest() {
        ScriptedModel model = ScriptedModel.named("m");

        assertThatThrownBy(() -> model.chat(ask("is anyone there?")))
                .isInstanceOf(AssertionError.class)
                .hasMessage(
                        "CRUX0086E: Unmocked model call: the scripted model 'scripted:m' has no rule that matches and"
                                + " no scripted reply left for a request of 1 message(s) ending with USER 'is anyone there?'."
                                + " Add a reply(...) to its script or a when(...).reply(...) rule.");
    }

    @Test
    void streamingSendsThinkingChunksAndTheCompleteResponseOrAnError() {
        ScriptedModel model = ScriptedModel.named("m")
                .reply(Reply.text("Hello big world").withThinking("hmm"), Reply.error(new RateLimitException("429")));
        List<String> seen = new ArrayList<>();
        StreamingChatResponseHandler handler = new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                seen.add("token:" + partial);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                seen.add("thinking:" + thinking.text());
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                seen.add("done:" + response.aiMessage().text());
            }

            @Override
            public void onError(Throwable error) {
                seen.add("error:" + error.getMessage());
            }
        };

        model.chat(ask("hi"), handler);
        model.chat(ask("again"), handler);

        assertThat(seen)
                .containsExactly(
                        "thinking:hmm",
                        "token:Hello ",
                        "token:big ",
                        "token:world",
                        "done:Hello big world",
                        "error:429");
    }

    @Test
    void chunksMustJoinToTheText() {
        assertThatThrownBy(() -> Reply.text("abc").withChunks("a", "c")).isInstanceOf(IllegalArgumentException.class);
    }
}
