package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Router;
import io.crux.ee.block.Sequencer;
import io.crux.ee.testkit.InlineExecutor;

/** A block run recovered by another engine replays its finished blocks and takes the router's recorded branch. */
class BlockRecoveryTest {

    private static final String RUN_ID = "ticket-7";

    private final AtomicInteger decisions = new AtomicInteger();
    private final AtomicInteger planCalls = new AtomicInteger();
    private final AtomicInteger urgentCalls = new AtomicInteger();
    private final AtomicBoolean urgentWanted = new AtomicBoolean(true);
    private final AtomicBoolean blockNext = new AtomicBoolean(true);
    private final CountDownLatch stuck = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private EngineHarness a;

    private FlowModel flow() {
        Handler<String, String> plan = Handler.of("plan", (s, ctx) -> s + "/planned" + planCalls.incrementAndGet());
        Handler<String, String> urgent = Handler.of("urgent", (s, ctx) -> {
            urgentCalls.incrementAndGet();
            if (blockNext.getAndSet(false)) {
                stuck.countDown();
                release.await();
            }
            return s + "/urgent";
        });
        Handler<String, String> normal = Handler.of("normal", (s, ctx) -> s + "/normal");
        Router<String, String> triage = Router.of("triage", List.of(urgent, normal), (s, ctx) -> {
            decisions.incrementAndGet();
            return urgentWanted.get() ? urgent : normal;
        });
        Sequencer<String, String> body =
                Sequencer.<String>named("ticket").then(plan).then(triage).build();
        return new FlowModel(
                "tickets",
                true,
                BlockRecoveryTest.class,
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
    void recoveryTakesTheRecordedBranchWithoutDecidingAgain() throws Exception {
        a = EngineHarness.pooled("node-1");
        a.register(flow()).start("t", RunOptions.defaults().withFlowId(RUN_ID));
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.store.loadCheckpoints(RUN_ID))
                .extracting(c -> c.label())
                .containsExactly("ticket/plan", "ticket/triage/decide");

        urgentWanted.set(false); // what the decision looked at has changed since
        EngineHarness b = a.sibling("node-1", new InlineExecutor());
        b.register(flow());
        assertThat(b.engine.maintain()).isEqualTo(1);

        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(b.output(RUN_ID)).isEqualTo("t/planned1/urgent");
        assertThat(decisions).as("the decision function ran once").hasValue(1);
        assertThat(planCalls).hasValue(1);
        assertThat(urgentCalls).as("the interrupted block ran again").hasValue(2);
    }
}
