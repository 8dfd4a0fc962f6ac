package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
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
import io.crux.ee.engine.BlockRunner;
import io.crux.ee.model.ModelRegistry;
import io.crux.ee.testkit.ScriptedModel;
import io.crux.ee.testkit.ScriptedModel.Reply;

/** Input and output guardrails: a failure blocks the call with a policy-terminal error; a rewrite is used. */
class GeneratorGuardrailTest {

    /** Refuses prompts that mention passwords. */
    static final class NoSecrets implements InputGuardrail {
        @Override
        public InputGuardrailResult validate(UserMessage message) {
            return message.singleText().contains("password") ? failure("prompts must not ask for passwords") : success();
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
    private final BlockRunner runner = new BlockRunner(ModelRegistry.of(Map.of("default", model)));

    private final Generator<String, String> answer = Generator.<String>named("answer").prompt((q, ctx) -> q)
            .withOptions(StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR).withFallback(t -> "fallback"));

    @AfterEach
    void tearDown() {
        runner.close();
    }

    @Test
    void aFailingInputGuardrailBlocksBeforeTheModelIsCalledAndIsNotRetried() {
        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> runner.run(answer.inputGuardrails(new NoSecrets()), "what is the admin password?"));

        assertThat(e.messageId()).isEqualTo("CRUX0011E");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.getCause()).isInstanceOf(GuardrailBlockedException.class)
                .hasMessageStartingWith("CRUX0085E: An input guardrail of the generator 'answer' blocked the model call")
                .hasMessageContaining("prompts must not ask for passwords");
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void anInputGuardrailMayRewriteThePrompt() {
        model.reply("Hello, [name].");

        runner.run(answer.inputGuardrails(new Redact(), new NoSecrets()), "Say hello to Alice");

        assertThat(((UserMessage) model.lastRequest().messages().get(0)).singleText()).isEqualTo("Say hello to [name]");
    }

    @Test
    void aFailingOutputGuardrailBlocksTheReplyAndLeavesAStreamedMessageIncomplete() {
        model.reply(Reply.text("I AM SHOUTING"));

        StepFailedException e = catchThrowableOfType(StepFailedException.class,
                () -> runner.run(answer.streaming().outputGuardrails(new NoShouting()), "hi"));

        assertThat(e.getCause()).isInstanceOf(GuardrailBlockedException.class)
                .hasMessageContaining("An output guardrail").hasMessageContaining("the reply shouts");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(model.requests()).hasSize(1);
        assertThat(runner.items(runner.lastRunId())).singleElement()
                .satisfies(i -> assertThat(i.status()).isEqualTo(Item.Status.INCOMPLETE));
    }

    @Test
    void aPassingOutputGuardrailLetsTheReplyThrough() {
        model.reply("Hello there.");

        assertThat(runner.run(answer.outputGuardrails(new NoShouting()), "hi")).isEqualTo("Hello there.");
    }
}
