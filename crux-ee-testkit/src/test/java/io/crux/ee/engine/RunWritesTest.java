package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/**
 * The writes of a run with a stream: its first events go with its row, a step's items and events
 * with the step's checkpoint, its last event with its end or its suspension; so a run of one step is three
 * transactions, and {@code request.in_progress} is not written a second time when the body starts.
 * A run without a stream, and a step that emits nothing, have nothing written with them: the store
 * is asked for those writes alone, which it may do more cheaply.
 */
class RunWritesTest {

    /** The store operation whose transaction an append joins, for the thread that runs it. */
    private static final ThreadLocal<String> INSIDE = new ThreadLocal<>();

    /** Marks the checkpoint write that goes alone, whose default calls the one with writes along. */
    private static final String ALONE = "alone";

    private final List<String> appends = new CopyOnWriteArrayList<>();
    private final List<String> checkpoints = new CopyOnWriteArrayList<>();
    private final List<String> rows = new CopyOnWriteArrayList<>();
    private SessionStore sessions;

    /** An engine whose stores note, for each append of events, the store operation it joined. */
    private FlowEngine engine() {
        TestClock clock = new TestClock(FlowTest.START);
        InMemoryFlowStore memory = new InMemoryFlowStore(clock);
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        CheckpointRecord c = (CheckpointRecord) args[1];
                        if (args.length == 2) {
                            checkpoints.add(c.label() + ": alone");
                        } else if (!ALONE.equals(INSIDE.get())) {
                            checkpoints.add(c.label() + ": with what goes along");
                        }
                        String outer = INSIDE.get();
                        INSIDE.set(args.length == 2 ? ALONE : outer);
                        try {
                            return InvocationHandler.invokeDefault(proxy, method, args);
                        } finally {
                            INSIDE.set(outer);
                        }
                    }
                    if (method.getName().equals("createRun")) {
                        rows.add("create " + ((RunRecord) args[0]).flowId()
                                + (args.length == 1 ? ": alone" : ": with what goes along"));
                    } else if (method.getName().equals("finish")) {
                        rows.add("finish " + args[0] + (args.length == 5 ? ": alone" : ": with what goes along"));
                    }
                    String outer = INSIDE.get();
                    INSIDE.set(method.getName());
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        INSIDE.set(outer);
                    }
                });
        InMemorySessionStore memorySessions = new InMemorySessionStore();
        sessions = (SessionStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("append")) {
                        appends.add(INSIDE.get() + ": " + ((List<?>) args[0]).size() + " item(s), "
                                + ((List<?>) args[1])
                                        .stream()
                                                .map(e -> ((EventRecord) e).type())
                                                .toList());
                    }
                    try {
                        return method.invoke(memorySessions, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        return FlowEngine.builder()
                .store(store)
                .sessions(sessions)
                .executor(new InlineExecutor())
                .scheduler(new ManualScheduler(clock))
                .clock(clock)
                .settings(EngineSettings.of("node-1"))
                .build();
    }

    @Test
    void eventsAndItemsAreWrittenInTheTransactionsOfTheRunsOwnWrites() throws Exception {
        try (FlowEngine engine = engine()) {
            engine.register(Flows.flow(
                    "one-step",
                    String.class,
                    String.class,
                    scope -> scope.step("say", () -> {
                        scope.emit(Item.status("thinking"));
                        return "done";
                    })));
            FlowHandle<String, String> handle = engine.handle("one-step", "");

            FlowResult<String> result = handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-1").withSessionId("s-1").withEvents(true));

            assertThat(result).isEqualTo(new FlowResult.Completed<>("r-1", "done"));
            assertThat(appends)
                    .containsExactly(
                            "createRun: 0 item(s), [request.created, request.in_progress]",
                            "saveCheckpoint: 1 item(s), [item.done]",
                            "finish: 0 item(s), [request.completed]");
            assertThat(sessions.readEvents("r-1", 0, 100))
                    .extracting(EventRecord::seq)
                    .containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aStepThatEmitsNothingHasItsCheckpointWrittenAloneWhichAStoreMayDoMoreCheaply() throws Exception {
        try (FlowEngine engine = engine()) {
            engine.register(Flows.flow("two-steps", String.class, String.class, scope -> {
                scope.step("quiet", () -> "a");
                return scope.step("say", () -> {
                    scope.emit(Item.status("thinking"));
                    return "done";
                });
            }));
            FlowHandle<String, String> handle = engine.handle("two-steps", "");

            FlowResult<String> result = handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-3").withSessionId("s-3").withEvents(true));

            assertThat(result).isEqualTo(new FlowResult.Completed<>("r-3", "done"));
            assertThat(checkpoints).containsExactly("quiet: alone", "say: with what goes along");
            assertThat(appends)
                    .containsExactly(
                            "createRun: 0 item(s), [request.created, request.in_progress]",
                            "saveCheckpoint: 1 item(s), [item.done]",
                            "finish: 0 item(s), [request.completed]");
            assertThat(sessions.readEvents("r-3", 0, 100))
                    .extracting(EventRecord::seq)
                    .containsExactly(1L, 2L, 3L, 4L);
        }
    }

    @Test
    void aSuspensionsEventIsWrittenInTheTransactionOfTheSuspension() throws Exception {
        // before the fix: SUSPENDED committed first and request.suspended was appended on its own
        try (FlowEngine engine = engine()) {
            engine.register(
                    Flows.flow("ask", String.class, String.class, scope -> scope.suspend("answer", String.class)));
            FlowHandle<String, String> handle = engine.handle("ask", "");

            FlowResult<String> result = handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-2").withSessionId("s-1").withEvents(true));

            assertThat(result).isInstanceOf(FlowResult.Suspended.class);
            assertThat(appends)
                    .containsExactly(
                            "createRun: 0 item(s), [request.created, request.in_progress]",
                            "suspend: 0 item(s), [request.suspended]");
        }
    }

    @Test
    void theRowOfARunWithoutAStreamIsStartedAndEndedAloneWhichAStoreMayDoMoreCheaply() throws Exception {
        try (FlowEngine engine = engine()) {
            engine.register(Flows.flow("quiet", String.class, String.class, scope -> scope.step("a", () -> "done")));
            engine.register(Flows.flow("failing", String.class, String.class, scope -> {
                throw new IllegalStateException("no");
            }));
            FlowHandle<String, String> handle = engine.handle("quiet", "");

            assertThat(handle.run("x", RunOptions.defaults().withFlowId("r-4").withSessionId("s-4")))
                    .isEqualTo(new FlowResult.Completed<>("r-4", "done"));
            handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-5").withSessionId("s-5").withEvents(true));
            FlowHandle<String, String> failing = engine.handle("failing", "");
            assertThatThrownBy(() -> failing.run(
                            "x", RunOptions.defaults().withFlowId("r-6").withSessionId("s-6")))
                    .hasMessageContaining("no");

            assertThat(rows)
                    .as("a failed run's end goes the way that can record its failed step")
                    .containsExactly(
                            "create r-4: alone",
                            "finish r-4: alone",
                            "create r-5: with what goes along",
                            "finish r-5: with what goes along",
                            "create r-6: alone",
                            "finish r-6: with what goes along");
            assertThat(appends)
                    .containsExactly(
                            "createRun: 0 item(s), [request.created, request.in_progress]",
                            "finish: 0 item(s), [request.completed]");
            assertThat(sessions.readEvents("r-4", 0, 100)).isEmpty();
        }
    }
}
