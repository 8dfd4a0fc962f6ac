package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.spi.RunRecord;

/** Two callers that continue the same suspended run: exactly one wins, the other gets a conflict. */
class ResumeConflictTest {

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch releaseSlow = new CountDownLatch(1);
    private final AtomicInteger slowCalls = new AtomicInteger();

    private EngineHarness h;
    private FlowHandle<String, String> handle;
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
        handle = h.register(Flows.flow("contested", String.class, String.class, scope -> {
            String go = scope.suspend("go", String.class);
            return scope.step("slow", () -> {
                slowCalls.incrementAndGet();
                slowStarted.countDown();
                if (!releaseSlow.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                return "done:" + go;
            });
        }));
    }

    @AfterEach
    void tearDown() throws Exception {
        releaseSlow.countDown();
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        h.close();
    }

    @Test
    void storeClaimWithAStaleRecordConflicts() {
        String id = handle.run("x").flowId();
        RunRecord seen = h.record(id);
        Instant lease = h.clock.instant().plusSeconds(30);

        RunRecord first = h.store.claim(seen, "node-a", lease, null);

        assertThat(first.status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(first.owner()).isEqualTo("node-a");
        assertThat(first.version()).isGreaterThan(seen.version());
        assertThatThrownBy(() -> h.store.claim(seen, "node-b", lease, null))
                .isInstanceOf(FlowConflictException.class)
                .hasMessageStartingWith("CRUX0023E");
        assertThat(h.record(id).owner()).isEqualTo("node-a");
    }

    @Test
    void resumeAndSignalWhileAnotherSignalIsInFlightConflict() throws Exception {
        String id = handle.run("x").flowId();
        CompletableFuture<FlowResult<String>> first =
                CompletableFuture.supplyAsync(() -> handle.signal(id, "go", "first"), callers);
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

        FlowConflictException onResume = catchThrowableOfType(FlowConflictException.class, () -> handle.resume(id));
        FlowConflictException onSignal =
                catchThrowableOfType(FlowConflictException.class, () -> handle.signal(id, "go", "second"));

        assertThat(onResume.flowId()).contains(id);
        assertThat(onResume.messageId()).isEqualTo("CRUX0022E");
        assertThat(onSignal.messageId()).isEqualTo("CRUX0022E");
        releaseSlow.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new FlowResult.Completed<>(id, "done:first"));
        assertThat(slowCalls).as("the losers executed nothing").hasValue(1);
    }

    @Test
    void resumeWhileAnotherResumeIsInFlightConflicts() throws Exception {
        AtomicBoolean ready = new AtomicBoolean(false);
        FlowHandle<String, String> waiting = h.register(Flows.flow("waiting", String.class, String.class, scope -> {
            scope.waitUntil("ready", ready::get);
            return scope.step("slow", () -> {
                slowCalls.incrementAndGet();
                slowStarted.countDown();
                if (!releaseSlow.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                return "done";
            });
        }));
        String id = waiting.run("x").flowId();
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
        ready.set(true);
        CompletableFuture<FlowResult<String>> first = CompletableFuture.supplyAsync(() -> waiting.resume(id), callers);
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();

        FlowConflictException second = catchThrowableOfType(FlowConflictException.class, () -> waiting.resume(id));

        assertThat(second.flowId()).contains(id);
        assertThat(second.messageId()).isEqualTo("CRUX0022E");
        releaseSlow.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(new FlowResult.Completed<>(id, "done"));
        assertThat(slowCalls).hasValue(1);
    }

    @Test
    void resumeOfARunningRunWithAnExpiredLeaseTakesItOver() {
        // a run left RUNNING by a crashed node: its lease ran out, so an explicit resume may continue it
        String id = handle.run("x").flowId();
        RunRecord suspended = h.record(id);
        h.store.claim(suspended, "crashed-node", h.clock.instant().plusSeconds(5), null);
        releaseSlow.countDown();

        assertThatThrownBy(() -> handle.resume(id)).isInstanceOf(FlowConflictException.class);
        h.clock.advance(Duration.ofSeconds(5));
        FlowResult<String> result = handle.resume(id);

        assertThat(result).isInstanceOf(FlowResult.Suspended.class);
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
    }
}
