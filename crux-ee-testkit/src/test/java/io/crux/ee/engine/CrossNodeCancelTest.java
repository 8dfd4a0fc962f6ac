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

/** A cancel taken by one node interrupts the step that another node is executing, at its next maintenance. */
class CrossNodeCancelTest {

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private EngineHarness owner;

    @AfterEach
    void tearDown() throws Exception {
        callers.shutdownNow();
        if (owner != null) {
            owner.close();
        }
    }

    @Test
    void cancelOnAnotherNodeInterruptsTheRunningStepOnTheOwner() throws Exception {
        owner = EngineHarness.pooled("node-1");
        EngineHarness other = owner.sibling("node-2", Executors.newCachedThreadPool());
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        FlowModel flow = Flows.flow("remote-cancel", String.class, String.class, scope -> {
            scope.step("block", () -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return 0;
            });
            return scope.step("next", () -> "next " + next.incrementAndGet());
        });
        FlowHandle<String, String> onOwner = owner.register(flow);
        FlowHandle<String, String> onOther = other.register(flow);
        CompletableFuture<FlowResult<String>> run = CompletableFuture.supplyAsync(
                () -> onOwner.run("x", RunOptions.defaults().withFlowId("remote-1")), callers);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        onOther.cancel("remote-1", "stopped elsewhere");
        assertThat(owner.record("remote-1").status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(interrupted.getCount())
                .as("not interrupted before the owner's maintenance")
                .isOne();

        owner.engine.maintain();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.get(10, TimeUnit.SECONDS))
                .isEqualTo(new FlowResult.Cancelled<>("remote-1", "stopped elsewhere"));
        assertThat(next).hasValue(0);
    }
}
