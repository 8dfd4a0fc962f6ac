package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.exception.InternalServerException;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** A streaming generator: every token is a live {@code content.delta} of one message item. */
class GeneratorStreamingTest {

    private final ScriptedModel model = ScriptedModel.named("default");

    private final Generator<String, String> answer =
            Generator.<String>named("answer").prompt((q, ctx) -> q).streaming();

    private TestRun<String> run(Generator<String, String> generator, String input) {
        return CruxTest.testBlock(generator)
                .input(input)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
    }

    @Test
    void tokensStreamAsDeltasOfOneMessageItem() {
        model.reply(Reply.text("Hello there, world")
                .withChunks("Hel", "lo there", ", world")
                .withThinking("greet"));

        TestRun<String> run = run(answer, "hi");

        assertThat(run.output()).isEqualTo("Hello there, world");
        List<EventRecord> events = run.events();
        assertThat(events)
                .filteredOn(e -> e.type().equals("content.delta"))
                .extracting(EventRecord::json)
                .hasSize(3)
                .satisfiesExactly(
                        d -> assertThat(d).contains("\"delta\":\"Hel\""),
                        d -> assertThat(d).contains("\"delta\":\"lo there\""),
                        d -> assertThat(d).contains("\"delta\":\", world\""));
        List<Item> items = run.items().list();
        assertThat(items).extracting(Item::type).containsExactly(Item.Type.REASONING, Item.Type.MESSAGE);
        Item message = items.get(1);
        assertThat(message.status()).isEqualTo(Item.Status.COMPLETED);
        assertThat(message.content())
                .containsEntry("text", "Hello there, world")
                .containsEntry("role", "assistant");
        assertThat(events)
                .filteredOn(e -> e.type().equals("content.delta"))
                .allSatisfy(d -> assertThat(d.json()).contains("\"itemId\":\"" + message.id() + "\""));
        assertThat(run.storedEvents())
                .extracting(EventRecord::type)
                .doesNotContain("content.delta")
                .containsSubsequence("item.added", "item.done");
    }

    @Test
    void aStreamingErrorFailsTheStepAndTheNextAttemptStreamsAFreshMessage() {
        model.reply(Reply.error(new InternalServerException("upstream 500")), Reply.text("recovered now"));
        Generator<String, String> retried =
                answer.withOptions(StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR));

        TestRun<String> run = run(retried, "hi");

        assertThat(run.output()).isEqualTo("recovered now");
        run.steps().succeeded("answer").attempts("answer", 2);
        assertThat(model.requests()).hasSize(2);
        assertThat(run.items().list())
                .singleElement()
                .satisfies(i -> assertThat(i.content()).containsEntry("text", "recovered now"));
    }

    @Test
    void aStreamingErrorWithoutRetryFailsTheStep() {
        model.reply(Reply.error(new InternalServerException("upstream 500")));

        TestRun<String> run = run(answer, "hi");

        run.steps().failed("answer").attempts("answer", 1);
        assertThat(run.failure())
                .isInstanceOf(StepFailedException.class)
                .cause()
                .isInstanceOf(InternalServerException.class)
                .hasMessage("upstream 500");
        run.items().hasSize(0);
    }
}
