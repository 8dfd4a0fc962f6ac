package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageType;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;

import io.crux.ee.api.Item;
import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** A generator without tools or structured output: one model call, one message item, the reply as output. */
class GeneratorReplyTest {

    private final ScriptedModel model = ScriptedModel.named("default");

    private TestRun<String> run(Generator<String, String> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    @Test
    void replyBecomesTheOutputAndOneAssistantMessage() {
        model.reply(Reply.text("Paris.").withThinking("The capital of France is Paris."));
        Generator<String, String> answer = Generator.<String>named("answer")
                .system("Answer in one word.")
                .prompt((question, ctx) -> "Question: " + question);

        TestRun<String> run = run(answer, "What is the capital of France?");

        assertThat(run.output()).isEqualTo("Paris.");
        run.steps().succeeded("answer").attempts("answer", 1).count(1);
        List<ChatMessage> sent = model.lastRequest().messages();
        assertThat(sent).extracting(ChatMessage::type).containsExactly(ChatMessageType.SYSTEM, ChatMessageType.USER);
        assertThat(((SystemMessage) sent.get(0)).text()).isEqualTo("Answer in one word.");
        assertThat(((UserMessage) sent.get(1)).singleText()).isEqualTo("Question: What is the capital of France?");
        assertThat(model.lastRequest().modelName()).isEqualTo("scripted:default");
        List<Item> items = run.items().list();
        assertThat(items).extracting(Item::type).containsExactly(Item.Type.REASONING, Item.Type.MESSAGE);
        assertThat(items.get(1).content()).containsEntry("role", "assistant").containsEntry("text", "Paris.");
        assertThat(items.get(0).content()).containsEntry("text", "The capital of France is Paris.");
        assertThat(items.get(0).audience()).isEqualTo(Item.Audience.MODEL);
    }

    @Test
    void conversationFormSendsTheGivenMessagesAfterTheSystemMessage() {
        model.reply("Still Paris.");
        Generator<String, String> followUp = Generator.<String>named("follow-up")
                .system("Be brief.")
                .messages((question, ctx) -> List.of(
                        UserMessage.from("Capital of France?"), AiMessage.from("Paris."), UserMessage.from(question)));

        assertThat(run(followUp, "And today?").output()).isEqualTo("Still Paris.");
        assertThat(model.lastRequest().messages())
                .extracting(ChatMessage::type)
                .containsExactly(
                        ChatMessageType.SYSTEM, ChatMessageType.USER, ChatMessageType.AI, ChatMessageType.USER);
    }

    @Test
    void anUnmockedCallFailsTheStepWithAClearMessage() {
        Generator<String, String> answer = Generator.<String>named("answer").prompt((q, ctx) -> q);

        TestRun<String> run = run(answer, "hello?");

        run.steps().failed("answer");
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("CRUX0086E: Unmocked model call: the scripted model 'scripted:default'")
                .hasMessageContaining("USER 'hello?'");
        assertThat(model.requests()).hasSize(1);
    }

    @Test
    void anUnknownModelNameFailsWithModelNotFound() {
        Generator<String, String> answer =
                Generator.<String>named("answer").model("missing").prompt((q, ctx) -> q);

        // the models come from a registry as in the server, so the registry's own message is checked
        TestRun<String> run = CruxTest.testBlock(answer)
                .input("x")
                .service(ModelRegistry.class, ModelRegistry.of(Map.of("default", model)))
                .run();

        run.steps().failed("answer");
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageStartingWith("CRUX0051E")
                .hasMessageContaining("'missing'")
                .hasMessageContaining("[default]");
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void aGeneratorWithoutPromptSaysSo() {
        Generator<String, String> answer = Generator.named("answer");

        TestRun<String> run = run(answer, "x");

        run.steps().failed("answer");
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0088E");
    }

    @Test
    void builderMethodsReturnCopies() {
        Generator<String, String> base = Generator.<String>named("answer").prompt((q, ctx) -> q);
        Generator<String, String> streaming = base.streaming().model("fast");

        assertThat(base.isStreaming()).isFalse();
        assertThat(base.modelName()).isEqualTo(Generator.DEFAULT_MODEL);
        assertThat(streaming.isStreaming()).isTrue();
        assertThat(streaming.modelName()).isEqualTo("fast");
        assertThat(base.outputType()).isEqualTo(String.class);
    }

    @Test
    void generatorNamesAreCheckedLikeOtherBlockNames() {
        assertThatThrownBy(() -> Generator.named("plan/draft"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plan/draft");
    }

    @Test
    void anEngineGivenNoModelRegistryHasNoModels() {
        Generator<String, String> answer = Generator.<String>named("answer").prompt((q, ctx) -> q);

        TestRun<String> run = CruxTest.testBlock(answer).input("x").run();

        run.steps().failed("answer");
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageStartingWith("CRUX0051E")
                .hasMessageContaining("'default'");
    }
}
