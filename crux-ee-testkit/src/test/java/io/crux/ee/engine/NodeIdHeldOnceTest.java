package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * Two live servers given one node id (two Payara Micro instances started from one directory, say):
 * a server takes over the runs held under its own id, so the second would execute the first's
 * running runs a second time. Here two engines of one JVM share a store and an id, as two such
 * servers share a database.
 */
class NodeIdHeldOnceTest {

    private static final String NODE = "node-1";
    private static final String RUN_ID = "run-1";

    private final TestClock clock = new TestClock(FlowTest.START);
    private final InMemoryFlowStore store = new InMemoryFlowStore(clock);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ExecutorService secondPool = Executors.newCachedThreadPool();
    private final AtomicInteger twoCalls = new AtomicInteger();
    private final CountDownLatch twoStarted = new CountDownLatch(1);
    private final CountDownLatch releaseTwo = new CountDownLatch(1);
    private final CountDownLatch twoStartedAgain = new CountDownLatch(1);
    private final CountDownLatch releaseTwoAgain = new CountDownLatch(1);
    private final FlowModel flow = Flows.flow("orders", String.class, String.class, scope -> {
        String one = scope.step("one", () -> "1");
        String two = scope.step("two", () -> {
            if (twoCalls.incrementAndGet() == 1) {
                twoStarted.countDown();
                releaseTwo.await();
            } else {
                twoStartedAgain.countDown();
                releaseTwoAgain.await();
            }
            return "2";
        });
        return one + two;
    });

    private FlowEngine first;
    private FlowEngine second;
    private FlowHandle<String, String> onFirst;
    private FlowHandle<String, String> onSecond;

    @BeforeEach
    void twoServersOfOneId() throws InterruptedException {
        first = engine(pool);
        second = engine(secondPool);
        onFirst = first.handle(flow.name(), "");
        onSecond = second.handle(flow.name(), "");
        onFirst.start("x", RunOptions.defaults().withFlowId(RUN_ID));
        assertThat(twoStarted.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private FlowEngine engine(ExecutorService executor) {
        FlowEngine engine = FlowEngine.builder()
                .store(store)
                .executor(executor)
                .scheduler(new ManualScheduler(clock))
                .clock(clock)
                .settings(EngineSettings.of(NODE))
                .build();
        engine.register(flow);
        return engine;
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        releaseTwo.countDown();
        releaseTwoAgain.countDown();
        first.close();
        second.close();
        for (ExecutorService p : List.of(pool, secondPool)) {
            p.shutdown();
            assertThat(p.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void theSecondServerNeitherTakesTheFirstsRunningRunNorStartsOne() throws InterruptedException {
        assertThatThrownBy(second::maintain)
                .as("maintenance on the second server")
                .hasMessageContaining("CRUX0163E")
                .hasMessageContaining("Node id " + NODE + " is held by another live server");
        assertThatThrownBy(() -> onSecond.start("y", RunOptions.defaults().withFlowId("run-2")))
                .hasMessageContaining("CRUX0163E");

        assertThat(twoCalls).as("step two ran once, on the first server").hasValue(1);
        assertThat(store.findRun("run-2"))
                .as("nothing stored for the refused start")
                .isEmpty();
        finishFirstServersThread();
        assertThat(store.findRun(RUN_ID).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(twoCalls).hasValue(1);
    }

    private void finishFirstServersThread() throws InterruptedException {
        releaseTwo.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aServerThatStoppedRenewingLosesTheIdAndItsExecutionsWriteNothingMore() throws InterruptedException {
        assertThatThrownBy(second::maintain).hasMessageContaining("CRUX0163E");

        clock.advance(Duration.ofSeconds(31)); // the first renews nothing for longer than the lease (30 s)

        assertThat(second.maintain())
                .as("the second takes the id, then the run whose lease ran out")
                .isEqualTo(1);
        assertThat(twoStartedAgain.await(10, TimeUnit.SECONDS))
                .as("step two runs again, on the second")
                .isTrue();

        // the first server wakes up: it finds the id gone and stops its execution
        assertThatThrownBy(first::maintain).hasMessageContaining("CRUX0163E");
        finishFirstServersThread();
        assertThat(store.loadCheckpoints(RUN_ID))
                .as("the first's step two returned while the run was the second's: its checkpoint is not written")
                .hasSize(1);
        assertThatThrownBy(() -> onFirst.start("z", RunOptions.defaults().withFlowId("run-3")))
                .hasMessageContaining("CRUX0163E");
        assertThat(store.findRun("run-3")).isEmpty();

        releaseTwoAgain.countDown();
        secondPool.shutdown();
        assertThat(secondPool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(store.findRun(RUN_ID).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(store.loadCheckpoints(RUN_ID)).hasSize(2);

        second.close();
        assertThat(first.maintain())
                .as("the id is the first's again once the second closed")
                .isZero();
    }

    @Test
    void aServerClosedWhileItsRunsExecuteKeepsTheIdUntilItGoesStale() {
        first.close(); // step two still runs on it, and may still write

        assertThatThrownBy(second::maintain)
                .as("the id is not given up while a run executes")
                .hasMessageContaining("CRUX0163E");
        assertThatThrownBy(() -> onFirst.start("z", RunOptions.defaults().withFlowId("run-3")))
                .as("a closed engine starts nothing")
                .hasMessageContaining("CRUX0047E");

        clock.advance(Duration.ofSeconds(31));
        assertThat(second.maintain())
                .as("stale: the second takes the id and the run")
                .isEqualTo(1);
    }
}
