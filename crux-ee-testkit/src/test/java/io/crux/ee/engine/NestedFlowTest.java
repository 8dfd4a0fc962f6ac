package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;

/**
 * A handle used inside a step of another run starts a child run that records its parent; the step,
 * run again, finds that child instead of starting another; cancelling the parent cancels it.
 */
class NestedFlowTest {

    /** What a child run saw of itself: its id, parent and session. */
    record Seen(String flowId, Optional<String> parentFlowId, Optional<String> sessionId) {}

    private final List<Seen> childRuns = new CopyOnWriteArrayList<>();

    private EngineHarness h;
    private FlowHandle<String, String> child;

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private void setUp(EngineHarness harness) {
        h = harness;
        child = h.register(Flows.flow("child", String.class, String.class, scope -> {
            childRuns.add(new Seen(scope.flowId(), scope.parentFlowId(), scope.sessionId()));
            return scope.step("work", () -> "child(" + scope.input() + ")");
        }));
    }

    private static String output(FlowResult<String> result) {
        assertThat(result).isInstanceOf(FlowResult.Completed.class);
        return ((FlowResult.Completed<String>) result).output();
    }

    @Test
    void childRunRecordsTheParentRunId() {
        setUp(EngineHarness.direct());
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step("delegate", () -> output(child.run(scope.input())))));

        FlowResult<String> result = parent.run("x");

        assertThat(output(result)).isEqualTo("child(x)");
        assertThat(childRuns).singleElement().satisfies(seen -> {
            assertThat(seen.parentFlowId()).contains(result.flowId());
            FlowRunInfo info = child.get(seen.flowId()).orElseThrow();
            assertThat(info.parentFlowId()).isEqualTo(result.flowId());
        });
        assertThat(parent.get(result.flowId()).orElseThrow().parentFlowId()).isNull();
        assertThat(child.list(null)).hasSize(1);
    }

    @Test
    void childRunStartedAsynchronouslyAlsoRecordsTheParent() {
        setUp(EngineHarness.direct());
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step("delegate", () -> child.start(scope.input()))));

        FlowResult<String> result = parent.run("x");

        String childId = output(result);
        assertThat(child.get(childId).orElseThrow().parentFlowId()).isEqualTo(result.flowId());
    }

    @Test
    void childInheritsTheParentSession() {
        setUp(EngineHarness.direct());
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step("delegate", () -> output(child.run(scope.input())))));

        parent.run("x", RunOptions.defaults().withSessionId("session-7"));

        assertThat(childRuns).singleElement().satisfies(seen -> {
            assertThat(seen.sessionId()).contains("session-7");
            assertThat(child.get(seen.flowId()).orElseThrow().sessionId()).isEqualTo("session-7");
        });
    }

    @Test
    void childRunIsNotStartedAgainWhenTheParentReplays() {
        setUp(EngineHarness.direct());
        FlowHandle<String, String> parent = h.register(Flows.flow("parent", String.class, String.class, scope -> {
            String fromChild = scope.step("delegate", () -> output(child.run(scope.input())));
            String go = scope.suspend("go", String.class);
            return fromChild + go;
        }));
        String parentId = parent.run("x").flowId();

        FlowResult<String> result = parent.signal(parentId, "go", "!");

        assertThat(output(result)).isEqualTo("child(x)!");
        assertThat(childRuns).hasSize(1);
        assertThat(child.list(null)).hasSize(1);
    }

    @Test
    void childStartedInsideAStepWithATimeoutRecordsTheParent() {
        // a step with a timeout runs on the run's thread, under a deadline that interrupts it
        setUp(EngineHarness.pooled());
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step(
                        "delegate",
                        () -> output(child.run(scope.input())),
                        StepOptions.<String>defaults().withTimeout(Duration.ofSeconds(10)))));

        FlowResult<String> result = parent.run("x");

        assertThat(output(result)).isEqualTo("child(x)");
        assertThat(childRuns).singleElement().satisfies(seen -> {
            assertThat(seen.parentFlowId()).contains(result.flowId());
            assertThat(child.get(seen.flowId()).orElseThrow().parentFlowId()).isEqualTo(result.flowId());
        });
    }

    @Test
    void twoChildrenOfOneParentAreDistinctRuns() {
        setUp(EngineHarness.direct());
        FlowHandle<String, String> parent = h.register(Flows.flow("parent", String.class, String.class, scope -> {
            String first = scope.step("first", () -> output(child.run("1")));
            String second = scope.step("second", () -> output(child.run("2")));
            return first + second;
        }));

        FlowResult<String> result = parent.run("x");

        assertThat(output(result)).isEqualTo("child(1)child(2)");
        List<String> ids = new ArrayList<>();
        childRuns.forEach(seen -> ids.add(seen.flowId()));
        assertThat(ids).doesNotHaveDuplicates().hasSize(2);
        assertThat(child.list(null)).extracting(FlowRunInfo::parentFlowId).containsOnly(result.flowId());
    }

    @Test
    void aRetriedParentStepFindsTheChildItStartedInsteadOfStartingAnother() {
        // before the fix: each attempt started a child run of its own
        setUp(EngineHarness.direct());
        AtomicInteger attempts = new AtomicInteger();
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step(
                        "delegate",
                        () -> {
                            String fromChild = output(child.run(scope.input()));
                            if (attempts.incrementAndGet() == 1) {
                                throw new IllegalStateException("after the child, once");
                            }
                            return fromChild;
                        },
                        StepOptions.<String>retry(2, Duration.ofMillis(100), Backoff.LINEAR))));

        String parentId = parent.start("x");
        assertThat(h.scheduler.runAll()).isEqualTo(1);

        assertThat(h.record(parentId).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(parentId)).isEqualTo("child(x)");
        assertThat(attempts).hasValue(2);
        assertThat(childRuns).singleElement();
        assertThat(child.list(null))
                .singleElement()
                .satisfies(info -> assertThat(info.parentFlowId()).isEqualTo(parentId));
    }

    @Test
    void aRecoveredParentFindsTheChildItStartedInsteadOfStartingAnother() {
        // before the fix: the recovered parent's step started a second child
        AtomicBoolean databaseAway = new AtomicBoolean(true);
        InMemoryFlowStore memory =
                new InMemoryFlowStore(new io.crux.ee.testkit.TestClock(io.crux.ee.testkit.FlowTest.START));
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    // the parent's step checkpoint is lost: its run is left RUNNING for recovery
                    if (method.getName().equals("saveCheckpoint")
                            && ((CheckpointRecord) args[0]).label().equals("delegate")
                            && databaseAway.get()) {
                        throw new CruxPersistenceException("CRUX0030E: connection lost", null, null);
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        setUp(EngineHarness.direct(store));
        FlowHandle<String, String> parent = h.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step("delegate", () -> output(child.run(scope.input())))));
        String parentId = parent.start("x");
        assertThat(h.record(parentId).status()).isEqualTo(FlowStatus.RUNNING);
        assertThat(child.list(FlowStatus.COMPLETED)).singleElement();

        databaseAway.set(false);
        assertThat(h.engine.maintain()).isEqualTo(1);

        assertThat(h.record(parentId).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(parentId)).isEqualTo("child(x)");
        assertThat(childRuns).as("the child ran once").singleElement();
        assertThat(child.list(null)).singleElement();
    }

    @Test
    void cancellingAParentCancelsItsOpenChildren() {
        // before the fix: the suspended child stayed SUSPENDED for good
        setUp(EngineHarness.direct());
        FlowHandle<String, String> waiting = h.register(
                Flows.flow("waiting", String.class, String.class, scope -> scope.suspend("approval", String.class)));
        FlowHandle<String, String> parent = h.register(Flows.flow("parent", String.class, String.class, scope -> {
            String childId = scope.step(
                    "delegate",
                    () -> waiting.start(
                            scope.input(),
                            RunOptions.defaults().withSessionId("s-1").withEvents(true)));
            return childId + scope.suspend("go", String.class);
        }));
        String parentId = parent.start("x");
        String childId = waiting.list(FlowStatus.SUSPENDED).get(0).flowId();

        parent.cancel(parentId, "no longer needed");

        assertThat(h.record(parentId).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.record(childId).status()).isEqualTo(FlowStatus.CANCELLED);
        assertThat(h.record(childId).error()).isEqualTo("no longer needed");
        assertThat(h.engine.sessions().readEvents(childId, 0, 100))
                .last()
                .extracting(EventRecord::type)
                .isEqualTo("request.cancelled");
    }
}
