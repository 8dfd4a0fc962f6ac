package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.InlineExecutor;

/**
 * A run whose owner is gone (it stalls for good: as dead) is cancelled from another node: the run
 * ends with its request's last event, so that its streams end, and the old owner writes nothing
 * if it ever goes on.
 */
class OrphanCancelTest {

    private static final String RUN_ID = "orphan-1";

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private EngineHarness dead;
    private EngineHarness other;
    private FlowHandle<String, String> onOther;
    private CompletableFuture<FlowResult<String>> onDead;

    @BeforeEach
    void setUp() throws Exception {
        dead = EngineHarness.pooled("node-1");
        other = dead.sibling("node-2", new InlineExecutor());
        FlowModel flow = Flows.flow(
                "orphan",
                String.class,
                String.class,
                scope -> scope.step("stuck", () -> {
                    started.countDown();
                    release.await();
                    return "done";
                }));
        FlowHandle<String, String> handle = dead.register(flow);
        onOther = other.register(flow);
        onDead = CompletableFuture.supplyAsync(
                () -> handle.run("x", RunOptions.defaults().withFlowId(RUN_ID).withEvents(true)), callers);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        callers.shutdownNow();
        dead.close();
    }

    private void assertCancelledWithItsLastEvent() {
        RunRecord run = other.record(RUN_ID);
        assertThat(run.status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(run.owner()).isNull();
        assertThat(other.sessions.readEvents(RUN_ID, 0, 100))
                .extracting(EventRecord::type)
                .containsOnlyOnce("request.cancelled")
                .last()
                .isEqualTo("request.cancelled");
    }

    @Test
    void cancellingARunWhoseLeaseRanOutEndsItWithItsLastEvent() throws Exception {
        dead.clock.advance(Duration.ofSeconds(31));

        onOther.cancel(RUN_ID, "owner gone");

        assertCancelledWithItsLastEvent();
        release.countDown(); // the old owner goes on after all: it is refused and writes nothing
        Throwable failure = catchThrowable(() -> onDead.get(10, TimeUnit.SECONDS));
        assertThat(failure).isInstanceOf(ExecutionException.class).cause().isInstanceOf(LeaseLostException.class);
        assertCancelledWithItsLastEvent();
        assertThat(other.store.loadCheckpoints(RUN_ID)).isEmpty();
    }

    @Test
    void aCancelItsOwnerNeverAcknowledgedIsEndedByMaintenanceOnceTheLeaseRunsOut() throws Exception {
        onOther.cancel(RUN_ID, "owner gone");
        assertThat(other.record(RUN_ID).owner())
                .as("a live lease: the owner is to end it")
                .isEqualTo("node-1");
        assertThat(other.engine.maintain()).isZero();
        assertThat(other.sessions.readEvents(RUN_ID, 0, 100))
                .extracting(EventRecord::type)
                .doesNotContain("request.cancelled");

        dead.clock.advance(Duration.ofSeconds(31));
        other.engine.maintain();

        assertCancelledWithItsLastEvent();
    }
}
