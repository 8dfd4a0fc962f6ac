package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.EventRecord;

/**
 * A cancel taken by another node reaches the owner through the database even when the owner's
 * maintenance never runs: the owner's next checkpoint sees it, and no further step starts.
 */
class CancelAtStepBoundaryTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private EngineHarness owner;

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        callers.shutdownNow();
        owner.close();
    }

    @Test
    void theOwnerStopsAtItsNextStepBoundaryWithoutMaintenance() throws Exception {
        owner = EngineHarness.pooled("node-1");
        EngineHarness other = owner.sibling("node-2", Executors.newCachedThreadPool());
        AtomicInteger next = new AtomicInteger();
        FlowModel flow = Flows.flow("boundary-cancel", String.class, String.class, scope -> {
            scope.step("slow", () -> {
                started.countDown();
                release.await(); // never interrupted: the owner's maintenance is stalled
                return 0;
            });
            return scope.step("next", () -> "next " + next.incrementAndGet());
        });
        FlowHandle<String, String> onOwner = owner.register(flow);
        FlowHandle<String, String> onOther = other.register(flow);
        CompletableFuture<FlowResult<String>> run = CompletableFuture.supplyAsync(
                () -> onOwner.run(
                        "x", RunOptions.defaults().withFlowId("boundary-1").withEvents(true)),
                callers);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        onOther.cancel("boundary-1", "stopped elsewhere");
        assertThat(owner.record("boundary-1").status()).isEqualTo(FlowStatus.CANCELLED);
        release.countDown();

        assertThat(run.get(10, TimeUnit.SECONDS))
                .isEqualTo(new FlowResult.Cancelled<>("boundary-1", "stopped elsewhere"));
        assertThat(next).hasValue(0);
        assertThat(owner.store.loadCheckpoints("boundary-1")).isEmpty();
        assertThat(owner.record("boundary-1").status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(owner.record("boundary-1").owner())
                .as("the owner acknowledged the cancel")
                .isNull();
        assertThat(owner.sessions.readEvents("boundary-1", 0, 100))
                .extracting(EventRecord::type)
                .containsOnlyOnce("request.cancelled")
                .last()
                .isEqualTo("request.cancelled");
    }
}
