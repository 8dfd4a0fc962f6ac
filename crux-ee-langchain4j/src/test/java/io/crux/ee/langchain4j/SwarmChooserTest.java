package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.block.Swarm;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** A generator picks a swarm's next agent: each pick is recorded, a continued run asks the model nothing again. */
class SwarmChooserTest {

    public record Approval(String by) {}

    private final ScriptedModel model = ScriptedModel.named("default");

    private Swarm<String> desk() {
        Generator<Swarm.Turn<String>, Swarm.Pick> dispatcher = Generator.<Swarm.Turn<String>>named("dispatch")
                .system("Pick the next agent among the agents, or none when the ticket is solved.")
                .prompt((turn, ctx) ->
                        "Agents: " + turn.agents() + "\nSo far: " + turn.history() + "\nTicket: " + turn.state())
                .output(Swarm.Pick.class);
        return Swarm.<String>named("desk")
                .agents(
                        Handler.of("triage", (String s, io.crux.ee.api.BlockContext c) -> s + " +triaged"),
                        Handler.of("billing", (String s, io.crux.ee.api.BlockContext c) -> s + " +billed"))
                .chooser(Agents.chooser(dispatcher))
                .maxTurns(3);
    }

    @Test
    void theModelPicksTheAgentsAndAResumedRunReplaysThePicks() {
        model.reply(
                Reply.json("{\"agent\":\"triage\",\"reason\":\"new ticket\"}"),
                Reply.json("{\"agent\":\"billing\",\"reason\":\"about money\"}"),
                Reply.json("{\"agent\":null,\"reason\":\"solved\"}"));
        Handler<String, String> close = Handler.of(
                "close",
                (s, ctx) -> s + " closed by "
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<String, String> flow =
                Sequencer.<String>named("support").then(desk()).then(close).build();

        TestRun<String> suspended = CruxTest.testBlock(flow)
                .input("refund please")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
        suspended
                .assertSuspended("approval")
                .steps()
                .inOrder(
                        "desk/turn[0]/pick",
                        "desk/turn[0]/triage",
                        "desk/turn[1]/pick",
                        "desk/turn[1]/billing",
                        "desk/turn[2]/pick");
        assertThat(model.requests()).hasSize(3);
        assertThat(model.requests().get(1).messages().toString()).contains("So far: [triage]");

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("refund please +triaged +billed closed by ann");
        assertThat(model.requests()).as("no model call on replay").hasSize(3);
    }

    @Test
    void aModelThatNeverFinishesReachesTheBound() {
        model.when(request -> true).reply(Reply.json("{\"agent\":\"triage\",\"reason\":\"again\"}"));

        TestRun<String> run = CruxTest.testBlock(desk())
                .input("loop")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        assertThat(run.failure()).isInstanceOf(LoopLimitException.class).hasMessageStartingWith("CRUX0252E");
        assertThat(model.requests()).hasSize(4);
    }
}
