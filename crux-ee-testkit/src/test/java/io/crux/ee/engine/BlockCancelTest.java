package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;

/** Cancelling a run interrupts every running parallel branch and starts no further block. */
class BlockCancelTest {

    private final CountDownLatch bothWaiting = new CountDownLatch(2);
    private final AtomicInteger interrupted = new AtomicInteger();
    private final AtomicInteger afterCalls = new AtomicInteger();
    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void cancelInterruptsTheBranchesAndEndsTheRunCancelled() throws Exception {
        Handler<String, String> wait = Handler.of("wait", (s, ctx) -> {
            bothWaiting.countDown();
            try {
                new CountDownLatch(1).await(); // until interrupted
                return s;
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
        });
        Handler<Object, String> after = Handler.of("after", (o, ctx) -> "after" + afterCalls.incrementAndGet());
        Sequencer<String, String> body = Sequencer.<String>named("s")
                .parallel("fan", 2, Sequencer.branch("a", wait), Sequencer.branch("b", wait))
                .then(after)
                .build();
        h = EngineHarness.pooled();
        FlowHandle<String, String> handle = h.register(new FlowModel(
                "waits",
                true,
                BlockCancelTest.class,
                Map.of(
                        "run",
                        new ActionModel(
                                "run", String.class, String.class, scope -> ActionModel.runBlock(scope, body)))));
        String id = handle.start("x", RunOptions.defaults());
        assertThat(bothWaiting.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel(id, "no longer needed");

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> h.record(id).status() == FlowStatus.CANCELLED && interrupted.get() == 2);
        assertThat(afterCalls).hasValue(0);
        assertThat(h.store.loadCheckpoints(id)).isEmpty();
    }
}
