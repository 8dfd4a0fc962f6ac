package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.InlineExecutor;

/**
 * A run left RUNNING by a "crashed" engine is continued by another engine on the same store from
 * its last checkpoint, without running completed steps again.
 */
class RecoveryTest {

    private static final String RUN_ID = "order-42";

    private final AtomicInteger oneCalls = new AtomicInteger();
    private final AtomicInteger twoCalls = new AtomicInteger();
    private final AtomicInteger threeCalls = new AtomicInteger();
    private final AtomicBoolean blockNextThree = new AtomicBoolean(true);
    private final CountDownLatch threeBlocked = new CountDownLatch(1);
    private final CountDownLatch releaseCrashed = new CountDownLatch(1);

    /** Engine A, whose run gets stuck in step three (the "crashed" server). */
    private EngineHarness a;

    private final FlowModel flow = Flows.flow("orders", String.class, String.class, scope -> {
        String one = scope.step("one", () -> "1" + oneCalls.incrementAndGet());
        String two = scope.step("two", () -> "2" + twoCalls.incrementAndGet());
        String three = scope.step("three", () -> {
            threeCalls.incrementAndGet();
            if (blockNextThree.getAndSet(false)) {
                threeBlocked.countDown();
                releaseCrashed.await();
            }
            return "3";
        });
        return one + two + three;
    });

    @AfterEach
    void tearDown() throws Exception {
        releaseCrashed.countDown();
        if (a != null) {
            a.close();
        }
    }

    /** Starts the run on engine A and waits until it is stuck in step three. */
    private void crashInStepThree(String nodeId) throws InterruptedException {
        a = EngineHarness.pooled(nodeId);
        FlowHandle<String, String> handle = a.register(flow);
        handle.start("x", RunOptions.defaults().withFlowId(RUN_ID));
        assertThat(threeBlocked.await(10, TimeUnit.SECONDS)).isTrue();
        RunRecord stuck = a.record(RUN_ID);
        assertThat(stuck.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(stuck.owner()).isEqualTo(nodeId);
        assertThat(a.store.loadCheckpoints(RUN_ID)).hasSize(2);
    }

    /** Lets the stuck thread of engine A finish and waits until it did. */
    private void letCrashedEngineFinish() throws InterruptedException {
        releaseCrashed.countDown();
        a.executor.shutdown();
        assertThat(a.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void restartedEngineWithTheSameNodeIdContinuesTheOrphanFromItsLastCheckpoint() throws Exception {
        crashInStepThree("node-1");
        EngineHarness b = a.sibling("node-1", new InlineExecutor());
        b.register(flow);

        int recovered = b.engine.maintain();

        assertThat(recovered).isEqualTo(1);
        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(b.output(RUN_ID)).isEqualTo("11213");
        assertThat(oneCalls).as("step one replayed").hasValue(1);
        assertThat(twoCalls).as("step two replayed").hasValue(1);
        assertThat(threeCalls).as("step three ran again on B").hasValue(2);

        // the old thread wakes up late: it must not change the finished run
        letCrashedEngineFinish();
        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(b.store.loadCheckpoints(RUN_ID)).hasSize(3);
        assertThat(b.engine.maintain()).isZero();
    }

    @Test
    void runOfAnotherNodeWithALiveLeaseIsNotRecovered() throws Exception {
        crashInStepThree("node-a");
        EngineHarness b = a.sibling("node-b", new InlineExecutor());
        b.register(flow);

        assertThat(b.engine.maintain()).isZero();
        a.clock.advance(Duration.ofSeconds(29));
        assertThat(b.engine.maintain()).isZero();

        RunRecord run = b.record(RUN_ID);
        assertThat(run.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(run.owner()).isEqualTo("node-a");
        assertThat(threeCalls).hasValue(1);
    }

    @Test
    void runOfAnotherNodeWithAnExpiredLeaseIsRecovered() throws Exception {
        crashInStepThree("node-a");
        EngineHarness b = a.sibling("node-b", new InlineExecutor());
        b.register(flow);
        assertThat(b.engine.maintain()).isZero();

        a.clock.advance(Duration.ofSeconds(30)); // the default lease is 30 seconds

        assertThat(b.engine.maintain()).isEqualTo(1);
        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(b.output(RUN_ID)).isEqualTo("11213");
        assertThat(oneCalls).hasValue(1);
        assertThat(twoCalls).hasValue(1);
        assertThat(threeCalls).hasValue(2);

        letCrashedEngineFinish();
        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.COMPLETED);
    }

    @Test
    void runOfAFlowTheEngineDoesNotKnowIsLeftAlone() throws Exception {
        crashInStepThree("node-a");
        EngineHarness b = a.sibling("node-b", new InlineExecutor());
        a.clock.advance(Duration.ofMinutes(5));

        assertThat(b.engine.maintain()).isZero();
        assertThat(b.record(RUN_ID).status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(b.record(RUN_ID).owner()).isEqualTo("node-a");
    }
}
