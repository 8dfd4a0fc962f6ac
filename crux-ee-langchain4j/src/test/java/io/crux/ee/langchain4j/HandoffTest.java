package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.block.Swarm;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Generators hand off to each other through a structured reply that names the next agent: the case so far
 * goes to it, each handoff is a recorded pick, and a continued run calls no model again.
 */
class HandoffTest {

    public record Case(String question, List<String> notes, String handoffTo) {}

    public record Approval(String by) {}

    private final ScriptedModel model = ScriptedModel.named("default");

    private static Generator<Case, Case> agent(String name) {
        return Generator.named(name, Case.class)
                .system("You are the " + name + " agent. Add a note; name the agent to hand off to, or none.")
                .prompt((c, ctx) -> "Case so far: " + c)
                .output(Case.class);
    }

    @Test
    void controlPassesWithTheCaseSoFarAndAResumedRunCallsNoModelAgain() {
        model.when(ScriptedModel.systemMessageContains("frontDesk agent"))
                .reply(Reply.json(
                        "{\"question\":\"refund?\",\"notes\":[\"asks for money back\"],\"handoffTo\":\"billing\"}"));
        model.when(ScriptedModel.systemMessageContains("billing agent"))
                .replyWith(request -> Reply.json(
                        request.messages().toString().contains("asks for money back")
                                ? "{\"question\":\"refund?\",\"notes\":[\"asks for money back\",\"refunded\"]}"
                                : "{\"question\":\"refund?\",\"notes\":[\"lost the context\"]}"));
        Swarm<Case> desk = Swarm.<Case>named("desk")
                .agents(agent("frontDesk"), agent("billing"))
                .chooser(Swarm.Chooser.handoff("frontDesk", Case::handoffTo));
        Handler<Case, String> close = Handler.of(
                "close",
                (c, ctx) -> c.notes() + " closed by "
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<Case, String> flow =
                Sequencer.<Case>named("support").then(desk).then(close).build();

        TestRun<String> suspended = CruxTest.testBlock(flow)
                .input(new Case("refund?", List.of(), null))
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
        suspended
                .assertSuspended("approval")
                .steps()
                .inOrder(
                        "desk/turn[0]/pick",
                        "desk/turn[0]/frontDesk",
                        "desk/turn[1]/pick",
                        "desk/turn[1]/billing",
                        "desk/turn[2]/pick");
        assertThat(model.requests()).hasSize(2);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("[asks for money back, refunded] closed by ann");
        assertThat(model.requests()).as("no model call on replay").hasSize(2);
    }
}
