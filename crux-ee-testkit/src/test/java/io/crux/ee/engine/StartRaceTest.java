package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * Maintenance on the node that is starting a run must not take the freshly committed run for an
 * orphan: the run would execute twice on one server.
 */
class StartRaceTest {

    @Test
    void maintenanceBetweenTheRunCommitAndItsExecutionDoesNotRunItTwice() throws Exception {
        AtomicReference<FlowEngine> engine = new AtomicReference<>();
        AtomicInteger recoveredDuringStart = new AtomicInteger(-1);
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        // the maintenance task fires right after the run row is committed
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    try {
                        Object result = method.invoke(memory, args);
                        if (method.getName().equals("createRun")) {
                            recoveredDuringStart.set(engine.get().maintain());
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        AtomicInteger calls = new AtomicInteger();
        try (EngineHarness h = EngineHarness.direct(store)) {
            engine.set(h.engine);
            FlowHandle<String, String> handle = h.register(Flows.flow(
                    "once",
                    String.class,
                    String.class,
                    scope -> scope.step("count", () -> "n" + calls.incrementAndGet())));

            var result = handle.run("x", RunOptions.defaults().withFlowId("r1"));

            assertThat(recoveredDuringStart).hasValue(0);
            assertThat(calls).hasValue(1);
            assertThat(h.record("r1").status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(result.toString()).contains("n1");
        }
    }
}
