package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ResponseFormatType;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Structured output: held to the type's JSON schema, parsed with JSON-B, checked with Bean
 * Validation, repaired a bounded number of times.
 */
class GeneratorStructuredOutputTest {

    /** The record the model must fill. */
    public record Verdict(
            @NotBlank String label, @Min(0) @Max(100) int confidence) {}

    private final ScriptedModel model = ScriptedModel.named("default");

    private final Generator<String, Verdict> classify = Generator.<String>named("classify")
            .system("Classify the sentiment.")
            .prompt((text, ctx) -> text)
            .output(Verdict.class);

    private TestRun<Verdict> run(Generator<String, Verdict> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    @Test
    void aValidReplyIsReadIntoTheRecord() {
        model.reply(Reply.json("```json\n{\"label\":\"positive\",\"confidence\":91}\n```"));

        TestRun<Verdict> run = run(classify, "I love it");

        assertThat(run.output()).isEqualTo(new Verdict("positive", 91));
        SystemMessage system = (SystemMessage) model.lastRequest().messages().get(0);
        assertThat(system.text())
                .startsWith("Classify the sentiment.")
                .contains("JSON")
                .contains("confidence");
        assertThat(model.lastRequest().responseFormat()).isNull();
        assertThat(run.items().list())
                .as("the record is the output; no message item")
                .isEmpty();
    }

    @Test
    void aStreamedReplyThatDoesNotValidateIsAnIncompleteMessageAndTheRepairStreamsAnew() {
        model.reply(
                Reply.json("{\"label\":\"\",\"confidence\":900}"),
                Reply.json("{\"label\":\"positive\",\"confidence\":90}"));

        TestRun<Verdict> run = run(classify.streaming(), "great");

        assertThat(run.output()).isEqualTo(new Verdict("positive", 90));
        List<Item> messages = run.items().list();
        assertThat(messages).extracting(Item::type).containsExactly(Item.Type.MESSAGE, Item.Type.MESSAGE);
        assertThat(messages).extracting(Item::status).containsExactly(Item.Status.INCOMPLETE, Item.Status.COMPLETED);
        assertThat(messages.get(1).content()).containsEntry("text", "{\"label\":\"positive\",\"confidence\":90}");
    }

    @Test
    void aModelThatSupportsJsonSchemaGetsTheSchemaAsResponseFormat() {
        model.withCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .reply(Reply.json("{\"label\":\"neutral\",\"confidence\":50}"));

        assertThat(run(classify, "meh").output()).isEqualTo(new Verdict("neutral", 50));

        var format = model.lastRequest().responseFormat();
        assertThat(format.type()).isEqualTo(ResponseFormatType.JSON);
        assertThat(format.jsonSchema().name()).isEqualTo("Verdict");
        assertThat(((SystemMessage) model.lastRequest().messages().get(0)).text())
                .isEqualTo("Classify the sentiment.");
    }

    @Test
    void anInvalidReplyIsSentBackWithTheProblemAndTheRepairIsUsed() {
        model.reply(
                Reply.json("{\"label\":\"positive\",\"confidence\":140}"),
                Reply.json("not json at all"),
                Reply.json("{\"label\":\"positive\",\"confidence\":95}"));

        TestRun<Verdict> run = run(classify, "I love it");

        assertThat(run.output()).isEqualTo(new Verdict("positive", 95));
        run.steps().succeeded("classify").attempts("classify", 1);
        assertThat(model.requests()).hasSize(3);
        List<ChatMessage> second = model.requests().get(1).messages();
        assertThat(((UserMessage) second.get(second.size() - 1)).singleText())
                .contains("confidence: must be less than or equal to 100")
                .contains("corrected JSON");
        List<ChatMessage> third = model.requests().get(2).messages();
        assertThat(((UserMessage) third.get(third.size() - 1)).singleText()).contains("is not a JSON Verdict");
    }

    /** The record of a count. */
    public record Tally(int count) {}

    @Test
    void aWrongTypedReplyIsInvalidAndGoesBackForRepairInsteadOfBeingCoerced() {
        model.reply(Reply.json("{\"count\":\"3\"}"), Reply.json("{\"count\":3}"));
        Generator<String, Tally> tally =
                Generator.<String>named("tally").prompt((text, ctx) -> text).output(Tally.class);

        TestRun<Tally> run = CruxTest.testBlock(tally)
                .input("count the words")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        assertThat(run.output()).isEqualTo(new Tally(3));
        assertThat(model.requests()).as("the first reply and one repair").hasSize(2);
        List<ChatMessage> second = model.requests().get(1).messages();
        assertThat(((UserMessage) second.get(second.size() - 1)).singleText())
                .contains("does not fit the schema of Tally")
                .contains("count: expected integer, got string \"3\"");
    }

    @Test
    void repairsRunOutWithValidationExhaustedWhichIsNotRetried() {
        model.when(r -> true).reply(Reply.json("{\"label\":\"\",\"confidence\":5}"));
        Generator<String, Verdict> retried =
                classify.maxRepairs(1).withOptions(StepOptions.<Verdict>retry(3, Duration.ZERO, Backoff.LINEAR));

        TestRun<Verdict> run = run(retried, "hmm");

        run.steps().failed("classify").attempts("classify", 1);
        assertThat(run.failure()).isInstanceOfSatisfying(StepFailedException.class, e -> {
            assertThat(e.messageId()).isEqualTo("CRUX0011E");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.getCause())
                    .isInstanceOf(ValidationExhaustedException.class)
                    .hasMessageStartingWith("CRUX0084E: The generator 'classify' got no valid Verdict from model "
                            + "'scripted:default' after 1 repair")
                    .hasMessageContaining("label: must not be blank");
        });
        assertThat(model.requests()).as("the first reply and one repair").hasSize(2);
    }

    @Test
    void streamingStructuredOutputStreamsTheJsonAndReturnsTheRecord() {
        model.reply(Reply.json("{\"label\":\"positive\",\"confidence\":70}"));

        TestRun<Verdict> run = run(classify.streaming(), "nice");

        assertThat(run.output()).isEqualTo(new Verdict("positive", 70));
        assertThat(run.items().list()).extracting(Item::type).containsExactly(Item.Type.MESSAGE);
    }
}
