package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.block.Sequencer.OnLimit;
import io.crux.ee.block.Swarm.Pick;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Agents take turns on a shared state; each pick is the step {@code <swarm>/turn[i]/pick}, each agent's
 * run {@code <swarm>/turn[i]/<agent>}; a continued run replays the picks, a bound ends the swarm.
 */
class SwarmTest {

    public record Ticket(String text, List<String> log, String next) {
        Ticket by(String agent, String next) {
            List<String> more = new ArrayList<>(log);
            more.add(agent);
            return new Ticket(text, more, next);
        }
    }

    public record Approval(String by) {}

    private final AtomicInteger picks = new AtomicInteger();
    private final AtomicInteger agentRuns = new AtomicInteger();

    private Handler<Ticket, Ticket> agent(String name, String next) {
        return Handler.of(name, (t, ctx) -> {
            agentRuns.incrementAndGet();
            return t.by(name, next);
        });
    }

    /** Triage first, then billing, then done: a chooser that counts its calls. */
    private Swarm.Chooser<Ticket> script(String... order) {
        return (turn, ctx) -> {
            picks.incrementAndGet();
            return turn.index() < order.length ? Pick.of(order[turn.index()]) : Pick.finish("solved");
        };
    }

    @Test
    void eachPickAndEachTurnIsAStepAndAContinuedRunPicksNothingAgain() {
        Swarm<Ticket> desk = Swarm.<Ticket>named("desk")
                .agents(agent("triage", null), agent("billing", null), agent("refunds", null))
                .chooser(script("triage", "billing"));
        Handler<Ticket, String> close = Handler.of(
                "close",
                (t, ctx) -> t.log() + " closed by "
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<Ticket, String> flow =
                Sequencer.<Ticket>named("support").then(desk).then(close).build();

        TestRun<String> suspended = CruxTest.testBlock(flow)
                .input(new Ticket("refund?", List.of(), null))
                .run();
        suspended
                .assertSuspended("approval")
                .steps()
                .succeeded(
                        "desk/turn[0]/pick",
                        "desk/turn[0]/triage",
                        "desk/turn[1]/pick",
                        "desk/turn[1]/billing",
                        "desk/turn[2]/pick")
                .inOrder("turn[0]/pick", "turn[0]/triage", "turn[1]/pick", "turn[1]/billing", "turn[2]/pick")
                .notRun("refunds");
        assertThat(picks).hasValue(3);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("[triage, billing] closed by ann");
        assertThat(picks).as("the picks replayed").hasValue(3);
        assertThat(agentRuns).hasValue(2);
    }

    @Test
    void theBoundFailsWithItsMessageIdWhenTheChooserStillPicks() {
        Swarm<Ticket> desk = Swarm.<Ticket>named("desk")
                .agents(agent("a", null), agent("b", null))
                .chooser(script("a", "b", "a", "b"))
                .maxTurns(2);

        TestRun<Ticket> run =
                CruxTest.testBlock(desk).input(new Ticket("t", List.of(), null)).run();

        assertThat(run.failure())
                .isInstanceOf(LoopLimitException.class)
                .hasMessageStartingWith("CRUX0252E")
                .hasMessageContaining("'a'");
        run.steps().succeeded("turn[0]/a", "turn[1]/b", "turn[2]/pick").notRun("turn[2]/a");
    }

    @Test
    void theBoundMayReturnTheLastState() {
        Swarm<Ticket> desk = Swarm.<Ticket>named("desk")
                .agents(agent("a", null), agent("b", null))
                .chooser(script("a", "b", "a", "b"))
                .maxTurns(2)
                .onLimit(OnLimit.RETURN_LAST);

        TestRun<Ticket> run =
                CruxTest.testBlock(desk).input(new Ticket("t", List.of(), null)).run();

        assertThat(run.output().log()).containsExactly("a", "b");
    }

    @Test
    void aHandoffPassesControlToTheAgentTheLastOneNamedWithTheStateSoFar() {
        Swarm<Ticket> desk = Swarm.<Ticket>named("desk")
                .agents(agent("triage", "billing"), agent("billing", "refunds"), agent("refunds", null))
                .chooser(Swarm.Chooser.handoff("triage", Ticket::next));

        TestRun<Ticket> run =
                CruxTest.testBlock(desk).input(new Ticket("t", List.of(), null)).run();

        assertThat(run.output().log()).containsExactly("triage", "billing", "refunds");
        run.steps().inOrder("turn[0]/triage", "turn[1]/billing", "turn[2]/refunds", "turn[3]/pick");
    }

    @Test
    void aHandoffToAnUnknownAgentFailsThePick() {
        Swarm<Ticket> desk = Swarm.<Ticket>named("desk")
                .agents(agent("triage", "legal"), agent("billing", null))
                .chooser(Swarm.Chooser.handoff("triage", Ticket::next));

        TestRun<Ticket> run =
                CruxTest.testBlock(desk).input(new Ticket("t", List.of(), null)).run();

        assertThat(run.failure()).hasStackTraceContaining("CRUX0253E").hasStackTraceContaining("legal");
        run.steps().succeeded("turn[0]/triage").failed("turn[1]/pick");
    }
}
