package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;

/**
 * Node 1 stalls in a step longer than its lease; node 2 takes the run over. When node 1 goes on,
 * it writes nothing more for the run and stops executing it: only node 2's steps are recorded.
 */
class LostLeaseTest {

    private static final String RUN_ID = "fenced-1";

    private final ExecutorService callers = Executors.newCachedThreadPool();
    /** What each node's step bodies ran, as "step@node". */
    private final List<String> ran = new CopyOnWriteArrayList<>();

    private final Map<String, CountDownLatch> inTwo = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> leaveTwo = new ConcurrentHashMap<>();
    private EngineHarness node1;
    private EngineHarness node2;
    private CompletableFuture<FlowResult<String>> onNode1;

    @BeforeEach
    void setUp() throws Exception {
        for (String node : List.of("node-1", "node-2")) {
            inTwo.put(node, new CountDownLatch(1));
            leaveTwo.put(node, new CountDownLatch(1));
        }
        node1 = EngineHarness.pooled("node-1");
        node2 = node1.sibling("node-2", Executors.newCachedThreadPool());
        FlowHandle<String, String> handle = node1.register(flow("node-1"));
        node2.register(flow("node-2"));

        onNode1 = CompletableFuture.supplyAsync(
                () -> handle.run("x", RunOptions.defaults().withFlowId(RUN_ID).withEvents(true)), callers);
        assertThat(inTwo.get("node-1").await(10, TimeUnit.SECONDS)).isTrue();

        // node 1 stalls past its lease: node 2 takes the run over and is now in step two itself
        node1.clock.advance(Duration.ofSeconds(31));
        assertThat(node2.engine.maintain()).isEqualTo(1);
        assertThat(inTwo.get("node-2").await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(node1.record(RUN_ID).owner()).isEqualTo("node-2");
    }

    @AfterEach
    void tearDown() throws Exception {
        leaveTwo.values().forEach(CountDownLatch::countDown);
        callers.shutdownNow();
        node1.close();
    }

    /** A flow whose step bodies record which node ran them; step two waits for its node's latch. */
    private FlowModel flow(String node) {
        return Flows.flow("fenced", String.class, String.class, scope -> {
            scope.step("one", () -> ran.add("one@" + node));
            String two = scope.step("two", () -> {
                ran.add("two@" + node);
                inTwo.get(node).countDown();
                leaveTwo.get(node).await();
                return "two@" + node;
            });
            String three = scope.step("three", () -> {
                ran.add("three@" + node);
                return "three@" + node;
            });
            return two + "/" + three;
        });
    }

    @Test
    void theStalledNodesNextCheckpointIsRefusedAndItsBodyStops() throws Exception {
        leaveTwo.get("node-1").countDown();

        Throwable failure = catchThrowable(() -> onNode1.get(10, TimeUnit.SECONDS));
        assertThat(failure)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(LeaseLostException.class)
                .hasMessageContaining("CRUX0160E");
        assertThat(((LeaseLostException) failure.getCause()).holder()).isEqualTo("node-2");
        assertThat(node1.store.loadCheckpoints(RUN_ID))
                .extracting(CheckpointRecord::label)
                .containsExactly("one");

        leaveTwo.get("node-2").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> node1.record(RUN_ID).status() == FlowStatus.COMPLETED);
        assertThat(node2.output(RUN_ID)).isEqualTo("two@node-2/three@node-2");
        assertThat(ran).containsExactly("one@node-1", "two@node-1", "two@node-2", "three@node-2");
        assertThat(node1.sessions.readEvents(RUN_ID, 0, 100))
                .extracting(EventRecord::type)
                .containsOnlyOnce("request.completed")
                .doesNotContain("request.failed", "request.cancelled");
    }

    @Test
    void theStalledNodeStopsItsRunWhenItsLeaseRenewalFindsAnotherHolder() throws Exception {
        node1.engine.maintain(); // node 1 wakes: its renewal tells it that node 2 holds the run now

        Throwable failure = catchThrowable(() -> onNode1.get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(LeaseLostException.class);
        assertThat(node1.store.loadCheckpoints(RUN_ID))
                .extracting(CheckpointRecord::label)
                .containsExactly("one");
        assertThat(node1.engine.executesHere(RUN_ID)).isFalse();

        leaveTwo.get("node-2").countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> node1.record(RUN_ID).status() == FlowStatus.COMPLETED);
        assertThat(node2.output(RUN_ID)).isEqualTo("two@node-2/three@node-2");
        assertThat(ran).containsExactly("one@node-1", "two@node-1", "two@node-2", "three@node-2");
    }
}
