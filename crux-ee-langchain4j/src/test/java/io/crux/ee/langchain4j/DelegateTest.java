package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.ToolExecutionResultMessage;

import io.crux.ee.api.Item;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * A generator calls another agent as a tool: the delegate runs as a durable child of the generator, its result
 * goes back to the model, and a continued run calls neither the model nor the delegate again.
 */
class DelegateTest {

    public record Approval(String by) {}

    private final ScriptedModel model = ScriptedModel.named("default");
    private final AtomicInteger researcherRuns = new AtomicInteger();

    private final Handler<String, String> researcher = Handler.of("researcher", (question, ctx) -> {
        researcherRuns.incrementAndGet();
        return "the library says: " + question + " -> steps replay from checkpoints";
    });

    private DelegatingGenerator<String> lead() {
        return Generator.<String>named("lead")
                .system("Answer; ask the researcher for facts.")
                .prompt((q, ctx) -> q)
                .delegates(Delegate.of("researcher", "Finds facts in the library.", researcher));
    }

    @Test
    void theDelegatesResultReachesTheCallerAndAResumedRunCallsNothingAgain() {
        model.when(ScriptedModel.afterToolResult())
                .replyWith(request -> Reply.text("Answer: "
                        + ((ToolExecutionResultMessage) request.messages()
                                        .get(request.messages().size() - 1))
                                .text()));
        model.reply(Reply.toolCall("researcher", "{\"request\":\"how do steps replay?\"}"));
        Handler<String, String> publish = Handler.of(
                "publish",
                (s, ctx) -> s + " (approved by "
                        + ctx.scope().suspend("approval", Approval.class).by() + ")");
        Sequencer<String, String> flow =
                Sequencer.<String>named("ask").then(lead()).then(publish).build();

        TestRun<String> suspended = CruxTest.testBlock(flow)
                .input("How do steps replay?")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
        suspended
                .assertSuspended("approval")
                .steps()
                .succeeded("lead/round[0]/model", "lead/round[0]/researcher", "lead/round[1]/model")
                .inOrder("lead/round[0]/model", "lead/round[0]/researcher", "lead/round[1]/model");
        assertThat(model.requests()).hasSize(2);
        assertThat(model.requests().get(0).toolSpecifications())
                .singleElement()
                .satisfies(spec -> assertThat(spec.name()).isEqualTo("researcher"));
        assertThat(suspended.items().ofType(Item.Type.TOOL_CALL)).hasSize(1);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput(
                "Answer: the library says: how do steps replay? -> steps replay from checkpoints (approved by ann)");
        assertThat(model.requests()).as("no model call on replay").hasSize(2);
        assertThat(researcherRuns).as("the delegate ran once").hasValue(1);
    }

    @Test
    void aModelThatKeepsDelegatingReachesTheBound() {
        model.when(request -> true).reply(Reply.toolCall("researcher", "{\"request\":\"more\"}"));

        TestRun<String> run = CruxTest.testBlock(lead().maxRounds(2))
                .input("q")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        assertThat(run.failure())
                .isInstanceOf(ToolRoundsExceededException.class)
                .hasMessageStartingWith("CRUX0257E");
        assertThat(researcherRuns).hasValue(2);
        assertThat(model.requests()).hasSize(3);
    }

    @Test
    void aGeneratorWithHistoryReadsItOnceSoLaterRoundsDoNotSeeWhatTheDelegatesStored() {
        model.when(ScriptedModel.afterToolResult()).reply("It replays.");
        model.reply(Reply.toolCall("researcher", "{\"request\":\"how do steps replay?\"}"));
        Handler<String, String> ask = Handler.of("ask", (question, ctx) -> {
            ctx.emit(Item.message("user", question));
            return question;
        });
        Handler<String, String> noisyResearcher = Handler.of("researcher", (question, ctx) -> {
            ctx.emit(Item.message("assistant", "researcher's note: " + question)); // stored in the session
            return "from checkpoints";
        });
        DelegatingGenerator<String> lead = Generator.<String>named("lead")
                .system("Answer; ask the researcher for facts.")
                .history()
                .delegates(Delegate.of("researcher", "Finds facts in the library.", noisyResearcher));
        Sequencer<String, String> flow =
                Sequencer.<String>named("chat").then(ask).then(lead).build();

        TestRun<String> run = CruxTest.testBlock(flow)
                .input("How do steps replay?")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        run.assertOutput("It replays.");
        assertThat(model.requests()).hasSize(2);
        assertThat(model.requests().get(0).messages())
                .extracting(m -> m.type().name())
                .containsExactly("SYSTEM", "USER");
        assertThat(model.requests().get(1).messages())
                .as("the first round's conversation, its delegate call and the result; not the history read again")
                .extracting(m -> m.type().name())
                .containsExactly("SYSTEM", "USER", "AI", "TOOL_EXECUTION_RESULT");
        assertThat(((ToolExecutionResultMessage)
                                model.requests().get(1).messages().get(3))
                        .text())
                .isEqualTo("from checkpoints");
        assertThat(run.items().ofType(Item.Type.MESSAGE))
                .as("the delegate's note is in the session")
                .hasSize(3);
    }

    @Test
    void delegatesNeedTextOutputAndDistinctNames() {
        assertThatThrownBy(() -> Generator.<String>named("g")
                        .prompt((q, c) -> q)
                        .output(Approval.class)
                        .delegates(Delegate.of("researcher", researcher)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Generator.<String>named("g")
                        .prompt((q, c) -> q)
                        .delegates(Delegate.of("r", researcher), Delegate.of("r", researcher)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
