package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * A block run suspends and continues: finished blocks replay from their checkpoints, a router takes
 * its recorded branch, and a changed block structure is detected.
 */
class BlockReplayTest {

    public record Draft(String text, boolean formal) {}

    public record Approval(String by) {}

    /** A review flow whose blocks count how often they really run. */
    @FlowDefinition("review")
    public static class ReviewFlow {
        final AtomicInteger planCalls = new AtomicInteger();
        final AtomicInteger decisions = new AtomicInteger();
        final AtomicInteger formalCalls = new AtomicInteger();
        final AtomicInteger casualCalls = new AtomicInteger();
        final AtomicInteger publishCalls = new AtomicInteger();
        boolean reordered;

        @Action("review")
        public Block<Draft, String> review() {
            Handler<Draft, Draft> plan = Handler.of("plan", (d, ctx) -> {
                planCalls.incrementAndGet();
                return new Draft(d.text().trim(), d.formal());
            });
            Handler<Draft, String> formal = Handler.of("formal", (d, ctx) -> {
                formalCalls.incrementAndGet();
                return "Dear reader, " + d.text();
            });
            Handler<Draft, String> casual = Handler.of("casual", (d, ctx) -> {
                casualCalls.incrementAndGet();
                return "hey, " + d.text();
            });
            Router<Draft, String> style = Router.of("style", List.of(formal, casual), (d, ctx) -> {
                decisions.incrementAndGet();
                return d.formal() ? formal : casual;
            });
            Handler<String, String> approve = Handler.of(
                    "approve",
                    (text, ctx) -> text + " (approved by "
                            + ctx.scope().suspend("approval", Approval.class).by() + ")");
            Handler<String, String> publish = Handler.of("publish", (text, ctx) -> {
                publishCalls.incrementAndGet();
                return text;
            });
            Sequencer.Builder<Draft, Draft> start =
                    Sequencer.<Draft>named("review").then(plan);
            return reordered
                    ? start.then(Handler.of(
                                    "approve",
                                    (Draft d, BlockContext ctx) -> ctx.scope()
                                                    .suspend("approval", Approval.class)
                                                    .by() + ": " + d.text()))
                            .then(Handler.of("restyle", (String s, BlockContext ctx) -> new Draft(s, true)))
                            .then(style)
                            .then(publish)
                            .build()
                    : start.then(style).then(approve).then(publish).build();
        }
    }

    @Test
    void finishedBlocksAndTheRoutersDecisionAreNotRunAgainAfterASignal() {
        ReviewFlow flow = new ReviewFlow();

        TestRun<String> suspended = CruxTest.<Draft, String>testFlow(flow)
                .input(new Draft(" report ", true))
                .run();

        suspended.assertSuspended("approval");
        suspended
                .steps()
                .succeeded("plan", "style/decide", "style/formal")
                .inOrder("plan", "decide", "formal")
                .notRun("publish");
        assertThat(suspended.steps().get("approve").status())
                .isEqualTo(io.crux.ee.testkit.StepRecord.Status.INTERRUPTED);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("Dear reader, report (approved by ann)");
        assertThat(flow.planCalls).hasValue(1);
        assertThat(flow.decisions).as("the decision function ran once").hasValue(1);
        assertThat(flow.formalCalls).hasValue(1);
        assertThat(flow.casualCalls).hasValue(0);
        assertThat(flow.publishCalls).hasValue(1);
        done.steps()
                .succeeded("plan", "decide", "formal", "approve", "publish")
                .inOrder("plan", "decide", "formal", "approve", "publish")
                .attempts("approve", 1);
    }

    @Test
    void resumeWithoutTheSignalSuspendsAgainWithoutRunningFinishedBlocks() {
        ReviewFlow flow = new ReviewFlow();
        TestRun<String> suspended = CruxTest.<Draft, String>testFlow(flow)
                .input(new Draft("x", false))
                .run();

        TestRun<String> again = suspended.resume();

        again.assertSuspended("approval");
        assertThat(flow.planCalls).hasValue(1);
        assertThat(flow.decisions).hasValue(1);
        assertThat(flow.casualCalls).hasValue(1);
    }

    @Test
    void aBlockStructureThatChangedUnderAStoredRunFailsClearly() {
        ReviewFlow flow = new ReviewFlow();
        TestRun<String> suspended = CruxTest.<Draft, String>testFlow(flow)
                .input(new Draft("x", false))
                .run();
        flow.reordered = true; // "deploy" a version that asks for the approval before choosing the style

        TestRun<String> after = suspended.signal("approval", new Approval("ann"));

        assertThat(after.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(after.failure()).isInstanceOf(FlowChangedException.class);
        assertThat(after.failure().messageId()).isEqualTo("CRUX0062E");
        assertThat(after.failure())
                .hasMessageContaining("'review/approve'")
                .hasMessageContaining("'review/style/decide'");
        assertThat(flow.decisions).hasValue(1);
    }

    /** A composite that runs its two children in an order the test can change between executions. */
    static final class Swappable implements Block<String, String> {
        final Handler<String, String> first = Handler.of("first", (s, ctx) -> s + "1");
        final Handler<String, String> second = Handler.of("second", (s, ctx) -> s + "2");
        final Handler<String, String> wait =
                Handler.of("wait", (s, ctx) -> s + ctx.scope().suspend("go", String.class));
        volatile boolean swapped;

        @Override
        public String name() {
            return "swap";
        }

        @Override
        public boolean isLeaf() {
            return false;
        }

        @Override
        public String execute(String input, BlockContext ctx) {
            String a = swapped ? ctx.run(second, input) : ctx.run(first, input);
            String b = swapped ? ctx.run(first, a) : ctx.run(second, a);
            return ctx.run(wait, b);
        }
    }

    @Test
    void recordedBlocksAskedForInAnotherOrderFailClearly() {
        Swappable swap = new Swappable();
        TestRun<String> suspended = CruxTest.testBlock(swap).input("x").run().assertSuspended("go");
        swap.swapped = true;

        TestRun<String> after = suspended.signal("go", "!");

        assertThat(after.failure()).isInstanceOf(FlowChangedException.class);
        assertThat(after.failure().messageId()).isEqualTo("CRUX0061E");
        assertThat(after.failure()).hasMessageContaining("'swap/first' before 'swap/second'");
        swap.swapped = false;
        assertThat(CruxTest.testBlock(swap).input("y").run().signal("go", "!").output())
                .isEqualTo("y12!");
    }

    @Test
    void aLeafThatRunsAnotherBlockFailsClearly() {
        Handler<String, String> inner = Handler.of("inner", (s, ctx) -> s);
        Handler<String, String> outer = Handler.of("outer", (s, ctx) -> ctx.run(inner, s));

        TestRun<String> run = CruxTest.testBlock(
                        Sequencer.<String>named("s").then(outer).build())
                .input("x")
                .run();

        run.assertFailed(FlowStateException.class).steps().failed("outer").notRun("inner");
        assertThat(run.failure().getCause())
                .isInstanceOf(FlowStateException.class)
                .hasMessageStartingWith("CRUX0060E")
                .hasMessageContaining("'s/outer'")
                .hasMessageContaining("'inner'");
    }

    @Test
    void aStepInsideAHandlerIsKeyedUnderTheHandlersPath() {
        AtomicInteger lookups = new AtomicInteger();
        Handler<String, String> handler = Handler.of("enrich", (s, ctx) -> {
            String found = ctx.scope().step("lookup", () -> s + lookups.incrementAndGet());
            return found + ctx.scope().suspend("confirm", String.class);
        });

        TestRun<String> suspended = CruxTest.testBlock(
                        Sequencer.<String>named("s").then(handler).build())
                .input("a")
                .run();
        TestRun<String> done = suspended.assertSuspended("confirm").signal("confirm", "!");

        done.assertOutput("a1!").steps().succeeded("s/enrich/lookup", "s/enrich");
        assertThat(lookups).as("the nested step replayed").hasValue(1);
    }
}
