package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * Maintenance on the node that resumes a run must not take the run it has just claimed for an
 * orphan, in the window between the claim and the run's start: the run would execute twice on one
 * server.
 */
class ResumeRaceTest {

    @Test
    void maintenanceBetweenTheClaimAndTheExecutionDoesNotRunTheResumedRunTwice() throws Exception {
        AtomicReference<FlowEngine> engine = new AtomicReference<>();
        AtomicBoolean resuming = new AtomicBoolean();
        AtomicInteger recoveredDuringClaim = new AtomicInteger(-1);
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        // the maintenance task fires right after the signal's claim commits
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        Object result = method.invoke(memory, args);
                        if (method.getName().equals("claim") && resuming.getAndSet(false)) {
                            recoveredDuringClaim.set(engine.get().maintain());
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        AtomicInteger after = new AtomicInteger();
        try (EngineHarness h = EngineHarness.direct(store)) {
            engine.set(h.engine);
            FlowHandle<String, String> handle = h.register(Flows.flow("approve", String.class, String.class, scope -> {
                String go = scope.suspend("go", String.class);
                return scope.step("after", () -> go + " " + after.incrementAndGet());
            }));
            assertThat(handle.run("x", RunOptions.defaults().withFlowId("r1")))
                    .isInstanceOf(FlowResult.Suspended.class);

            resuming.set(true);
            FlowResult<String> result = handle.signal("r1", "go", "yes");

            assertThat(recoveredDuringClaim).hasValue(0);
            assertThat(after).hasValue(1);
            assertThat(result).isEqualTo(new FlowResult.Completed<>("r1", "yes 1"));
            assertThat(h.record("r1").status()).isEqualTo(FlowStatus.COMPLETED);
        }
    }
}
