package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.langchain4j.exception.InternalServerException;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.engine.BlockRunner;
import io.crux.ee.model.ModelRegistry;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.ScriptedModel;
import io.crux.ee.testkit.ScriptedModel.Reply;

/** A streaming generator: every token is a live {@code content.delta} of one message item. */
class GeneratorStreamingTest {

    private final ScriptedModel model = ScriptedModel.named("default");
    private final BlockRunner runner = new BlockRunner(ModelRegistry.of(Map.of("default", model)));

    private final Generator<String, String> answer = Generator.<String>named("answer").prompt((q, ctx) -> q).streaming();

    @AfterEach
    void tearDown() {
        runner.close();
    }

    @Test
    void tokensStreamAsDeltasOfOneMessageItem() {
        model.reply(Reply.text("Hello there, world").withChunks("Hel", "lo there", ", world").withThinking("greet"));

        String output = runner.run(answer, "hi");

        assertThat(output).isEqualTo("Hello there, world");
        String id = runner.lastRunId();
        List<EventRecord> events = runner.events(id);
        assertThat(events).filteredOn(e -> e.type().equals("content.delta")).extracting(EventRecord::json)
                .hasSize(3)
                .satisfiesExactly(
                        d -> assertThat(d).contains("\"delta\":\"Hel\""),
                        d -> assertThat(d).contains("\"delta\":\"lo there\""),
                        d -> assertThat(d).contains("\"delta\":\", world\""));
        List<Item> items = runner.items(id);
        assertThat(items).extracting(Item::type).containsExactly(Item.Type.REASONING, Item.Type.MESSAGE);
        Item message = items.get(1);
        assertThat(message.status()).isEqualTo(Item.Status.COMPLETED);
        assertThat(message.content()).containsEntry("text", "Hello there, world").containsEntry("role", "assistant");
        assertThat(events).filteredOn(e -> e.type().equals("content.delta"))
                .allSatisfy(d -> assertThat(d.json()).contains("\"itemId\":\"" + message.id() + "\""));
        assertThat(runner.storedEvents(id)).extracting(EventRecord::type).doesNotContain("content.delta")
                .containsSubsequence("item.added", "item.done");
    }

    @Test
    void aStreamingErrorFailsTheStepAndTheNextAttemptStreamsAFreshMessage() {
        model.reply(Reply.error(new InternalServerException("upstream 500")), Reply.text("recovered now"));
        Generator<String, String> retried = answer.withOptions(
                StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR));

        assertThat(runner.run(retried, "hi")).isEqualTo("recovered now");

        assertThat(model.requests()).hasSize(2);
        assertThat(runner.items(runner.lastRunId())).singleElement()
                .satisfies(i -> assertThat(i.content()).containsEntry("text", "recovered now"));
    }

    @Test
    void aStreamingErrorWithoutRetryFailsTheStep() {
        model.reply(Reply.error(new InternalServerException("upstream 500")));

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> runner.run(answer, "hi"));

        assertThat(e.getCause()).isInstanceOf(InternalServerException.class).hasMessage("upstream 500");
        assertThat(runner.items(runner.lastRunId())).isEmpty();
    }
}
