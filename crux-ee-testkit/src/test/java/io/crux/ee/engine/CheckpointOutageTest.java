package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * A checkpoint write that fails for a passing reason (a lost connection) is tried again; when the
 * database stays away the run is left RUNNING for recovery instead of failing for good, and the
 * step that ran may run once more (at-least-once).
 */
class CheckpointOutageTest {

    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final AtomicInteger saveCalls = new AtomicInteger();
    private final AtomicInteger bodyCalls = new AtomicInteger();
    private volatile String sqlState = "08006";
    private volatile String failing = "saveCheckpoint";
    /** Whether the next checkpoint write commits and then fails as if its commit's answer was lost. */
    private final java.util.concurrent.atomic.AtomicBoolean answerLost =
            new java.util.concurrent.atomic.AtomicBoolean();

    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /**
     * A store whose next {@code failuresLeft} calls of {@code failing} (checkpoint writes by default)
     * fail with {@code sqlState}, a lost connection by default.
     */
    private FlowHandle<String, String> register() {
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("saveCheckpoint") && answerLost.getAndSet(false)) {
                        method.invoke(memory, args);
                        throw new CruxPersistenceException(
                                "CRUX0030E: the store failed to save a checkpoint",
                                null,
                                new SQLException("connection lost during commit", "08006"));
                    }
                    if (method.getName().equals(failing)) {
                        saveCalls.incrementAndGet();
                        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                            throw new CruxPersistenceException(
                                    "CRUX0030E: the store failed to save a checkpoint",
                                    null,
                                    new SQLException("failed with SQLState " + sqlState, sqlState));
                        }
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        h = EngineHarness.direct(store);
        return h.register(Flows.flow("outage", String.class, String.class, scope -> {
            String a = scope.step("a", () -> {
                bodyCalls.incrementAndGet();
                return "A";
            });
            return a + scope.step("b", () -> "B");
        }));
    }

    @Test
    void aCheckpointWriteThatFailsOnceIsTriedAgainAndTheRunCompletes() {
        // before the fix: the run ended FAILED on the first failed write
        FlowHandle<String, String> handle = register();
        failuresLeft.set(1);

        FlowResult<String> result = handle.run(
                "x",
                RunOptions.defaults().withFlowId("r-1").withSessionId("s-1").withEvents(true));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("r-1", "AB"));
        assertThat(bodyCalls).hasValue(1);
        assertThat(saveCalls).hasValue(3);
        assertThat(h.engine.sessions().readEvents("r-1", 0, 100))
                .extracting(EventRecord::type)
                .containsExactly("request.created", "request.in_progress", "request.completed");
    }

    @Test
    void aWriteThatCommittedButLostItsAnswerIsFoundCommittedWhenTriedAgain() {
        // before the fix: the write tried again met its own row (a conflict) and the run ended FAILED
        FlowHandle<String, String> handle = register();
        answerLost.set(true);

        FlowResult<String> result = handle.run(
                "x",
                RunOptions.defaults().withFlowId("r-5").withSessionId("s-1").withEvents(true));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("r-5", "AB"));
        assertThat(bodyCalls).hasValue(1);
        assertThat(h.engine.sessions().readEvents("r-5", 0, 100))
                .extracting(EventRecord::seq)
                .containsExactly(1L, 2L, 3L);
    }

    @Test
    void aDatabaseThatStaysAwayLeavesTheRunRunningAndRecoveryFinishesIt() {
        // before the fix: the run ended FAILED and was never recovered
        FlowHandle<String, String> handle = register();
        failuresLeft.set(Integer.MAX_VALUE);

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("r-2")))
                .isInstanceOf(CruxPersistenceException.class)
                .hasMessageStartingWith("CRUX0030E");

        assertThat(h.record("r-2").status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(h.record("r-2").owner()).isEqualTo("node-1");
        assertThat(h.engine.executesHere("r-2"))
                .as("dropped from this node's memory")
                .isFalse();
        assertThat(saveCalls).as("the first write and its retries").hasValue(4);
        assertThat(bodyCalls).hasValue(1);

        failuresLeft.set(0);
        assertThat(h.engine.maintain()).isEqualTo(1);

        assertThat(h.record("r-2").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output("r-2")).isEqualTo("AB");
        assertThat(bodyCalls).as("the step whose checkpoint was lost ran again").hasValue(2);
    }

    @Test
    void aFailureOfTheDataIsNotTriedAgainAndFailsTheRun() {
        FlowHandle<String, String> handle = register();
        sqlState = "22001"; // string data right truncation
        failuresLeft.set(1);

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("r-3")))
                .hasStackTraceContaining("SQLState 22001");

        assertThat(h.record("r-3").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(saveCalls).hasValue(1);
    }

    @Test
    void anEndThatCannotBeWrittenForAPassingReasonLeavesTheRunForRecoveryWithoutAFailedEvent() {
        // before the fix: the stream was told request.failed while the run stayed RUNNING and was recovered
        FlowHandle<String, String> handle = register();
        failing = "finish";
        failuresLeft.set(1);

        assertThatThrownBy(() -> handle.run(
                        "x",
                        RunOptions.defaults()
                                .withFlowId("r-4")
                                .withSessionId("s-1")
                                .withEvents(true)))
                .isInstanceOf(CruxPersistenceException.class);

        assertThat(h.record("r-4").status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(h.engine.sessions().readEvents("r-4", 0, 100))
                .extracting(EventRecord::type)
                .doesNotContain("request.failed");

        assertThat(h.engine.maintain()).isEqualTo(1);

        assertThat(h.record("r-4").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.engine.sessions().readEvents("r-4", 0, 100))
                .extracting(EventRecord::type)
                .containsOnlyOnce("request.completed")
                .doesNotContain("request.failed");
    }
}
