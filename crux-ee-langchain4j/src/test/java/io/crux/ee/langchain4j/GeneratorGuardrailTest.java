package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Input and output guardrails: a failure blocks the call with a policy-terminal error; a rewrite is used. */
class GeneratorGuardrailTest {

    /** Refuses prompts that mention passwords. */
    static final class NoSecrets implements InputGuardrail {
        @Override
        public InputGuardrailResult validate(UserMessage message) {
            return message.singleText().contains("password")
                    ? failure("prompts must not ask for passwords")
                    : success();
        }
    }

    /** Masks a word in the prompt. */
    static final class Redact implements InputGuardrail {
        @Override
        public InputGuardrailResult validate(UserMessage message) {
            return successWith(message.singleText().replace("Alice", "[name]"));
        }
    }

    /** Refuses replies that shout. */
    static final class NoShouting implements OutputGuardrail {
        @Override
        public OutputGuardrailResult validate(AiMessage reply) {
            return reply.text().equals(reply.text().toUpperCase()) ? failure("the reply shouts") : success();
        }
    }

    private final ScriptedModel model = ScriptedModel.named("default");

    private final Generator<String, String> answer = Generator.<String>named("answer")
            .prompt((q, ctx) -> q)
            .withOptions(
                    StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR).withFallback(t -> "fallback"));

    private TestRun<String> run(Generator<String, String> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    @Test
    void aFailingInputGuardrailBlocksBeforeTheModelIsCalledAndIsNotRetried() {
        TestRun<String> run = run(answer.inputGuardrails(new NoSecrets()), "what is the admin password?");

        run.steps().failed("answer").attempts("answer", 1);
        assertThat(run.failure()).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.messageId()).isEqualTo("CRUX0011E");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getCause())
                    .isInstanceOf(GuardrailBlockedException.class)
                    .hasMessageStartingWith(
                            "CRUX0085E: An input guardrail of the generator 'answer' blocked the model call")
                    .hasMessageContaining("prompts must not ask for passwords");
        });
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void inputGuardrailsBlockAConversationWithoutAUserMessage() {
        Generator<String, String> onlySystem = Generator.<String>named("answer")
                .messages((q, ctx) -> List.of(SystemMessage.from("Summarize the day.")))
                .inputGuardrails(new NoSecrets());

        TestRun<String> run = run(onlySystem, "ignored");

        run.steps().failed("answer");
        assertThat(run.failure().getCause())
                .isInstanceOf(GuardrailBlockedException.class)
                .hasMessageContaining("no user message for the input guardrails to check");
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void anInputGuardrailMayRewriteThePrompt() {
        model.reply("Hello, [name].");

        run(answer.inputGuardrails(new Redact(), new NoSecrets()), "Say hello to Alice")
                .assertOutput("Hello, [name].");

        assertThat(((UserMessage) model.lastRequest().messages().get(0)).singleText())
                .isEqualTo("Say hello to [name]");
    }

    @Test
    void aFailingOutputGuardrailBlocksTheReplyAndLeavesAStreamedMessageIncomplete() {
        model.reply(Reply.text("I AM SHOUTING"));

        TestRun<String> run = run(answer.streaming().outputGuardrails(new NoShouting()), "hi");

        run.steps().failed("answer").attempts("answer", 1);
        assertThat(run.failure()).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.getCause())
                    .isInstanceOf(GuardrailBlockedException.class)
                    .hasMessageContaining("An output guardrail")
                    .hasMessageContaining("the reply shouts");
            assertThat(e.attempts()).isEqualTo(1);
        });
        assertThat(model.requests()).hasSize(1);
        assertThat(run.items().list())
                .singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo(Item.Status.INCOMPLETE));
    }

    @Test
    void aPassingOutputGuardrailLetsTheReplyThrough() {
        model.reply("Hello there.");

        TestRun<String> run = run(answer.outputGuardrails(new NoShouting()), "hi");

        assertThat(run.output()).isEqualTo("Hello there.");
        run.steps().succeeded("answer").attempts("answer", 1);
    }
}
