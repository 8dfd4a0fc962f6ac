package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.block.Consensus;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.block.Swarm;
import io.crux.ee.testkit.InlineExecutor;

/**
 * A run of a consensus and a swarm recovered by another engine after its server died mid-turn: the votes,
 * the tally and the picks recorded before the crash are not asked for again, the interrupted agent runs again.
 */
class AgentPatternRecoveryTest {

    private static final String RUN_ID = "desk-1";

    private final AtomicInteger votes = new AtomicInteger();
    private final AtomicInteger picks = new AtomicInteger();
    private final AtomicInteger writerRuns = new AtomicInteger();
    private final AtomicBoolean blockNext = new AtomicBoolean(true);
    private final CountDownLatch stuck = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private EngineHarness a;

    private FlowModel flow() {
        Handler<String, String> yes = Handler.of("a", (s, ctx) -> {
            votes.incrementAndGet();
            return "go";
        });
        Handler<String, String> alsoYes = Handler.of("b", (s, ctx) -> {
            votes.incrementAndGet();
            return "go";
        });
        Consensus<String, String> vote =
                Consensus.<String, String>named("vote").voters(yes, alsoYes).rule(Consensus.Rule.unanimous());
        Handler<String, String> planner = Handler.of("planner", (s, ctx) -> s + "/planned");
        Handler<String, String> writer = Handler.of("writer", (s, ctx) -> {
            writerRuns.incrementAndGet();
            if (blockNext.getAndSet(false)) {
                stuck.countDown();
                release.await();
            }
            return s + "/written";
        });
        Swarm<String> desk = Swarm.<String>named("desk").agents(planner, writer).chooser((turn, ctx) -> {
            picks.incrementAndGet();
            return switch (turn.index()) {
                case 0 -> Swarm.Pick.of("planner");
                case 1 -> Swarm.Pick.of("writer");
                default -> Swarm.Pick.finish("done");
            };
        });
        Sequencer<String, String> body =
                Sequencer.<String>named("work").then(vote).then(desk).build();
        return new FlowModel(
                "desks",
                true,
                AgentPatternRecoveryTest.class,
                Map.of(
                        "run",
                        new ActionModel(
                                "run", String.class, String.class, scope -> ActionModel.runBlock(scope, body))));
    }

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        if (a != null) {
            a.close();
        }
    }

    @Test
    void recoveryReplaysTheTallyAndThePicksAndRunsOnlyTheInterruptedAgentAgain() throws Exception {
        a = EngineHarness.pooled("node-1");
        a.register(flow()).start("t", RunOptions.defaults().withFlowId(RUN_ID));
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.store.loadCheckpoints(RUN_ID))
                .extracting(c -> c.label())
                .containsExactly(
                        "work/vote/a",
                        "work/vote/b",
                        "work/vote/tally",
                        "work/desk/turn[0]/pick",
                        "work/desk/turn[0]/planner",
                        "work/desk/turn[1]/pick");

        EngineHarness b = a.sibling("node-1", new InlineExecutor());
        b.register(flow());
        assertThat(b.engine.maintain()).isEqualTo(1);

        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(b.output(RUN_ID)).isEqualTo("go/planned/written");
        assertThat(votes).as("the voters ran once").hasValue(2);
        assertThat(picks).as("picks 0 and 1 replayed, pick 2 is new").hasValue(3);
        assertThat(writerRuns).as("the interrupted agent ran again").hasValue(2);
    }
}
