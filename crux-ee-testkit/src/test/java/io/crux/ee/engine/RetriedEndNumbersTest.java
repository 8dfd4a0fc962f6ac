package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/**
 * A store may run the writes that go with a run's end or suspension again, after a version
 * conflict rolled back its first try: the request's last event then takes the numbers of the
 * rolled-back try, so the stored log has no hole that a stream would wait at.
 */
class RetriedEndNumbersTest {

    /** Whether appends are those of a try that rolls back, and so are not stored. */
    private boolean rolledBack;

    private FlowEngine engine(InMemorySessionStore memorySessions) {
        TestClock clock = new TestClock(FlowTest.START);
        InMemoryFlowStore memory = new InMemoryFlowStore(clock);
        FlowStore store = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    Object[] forwarded = args;
                    if ((method.getName().equals("finish") || method.getName().equals("suspend"))
                            && args[args.length - 1] instanceof Function<?, ?> alongside) {
                        forwarded = Arrays.copyOf(args, args.length);
                        forwarded[args.length - 1] = tryTwice(alongside);
                    }
                    try {
                        return method.invoke(memory, forwarded);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        SessionStore sessions = (SessionStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {SessionStore.class}, (proxy, method, args) -> {
                    if (rolledBack && method.getName().equals("append")) {
                        return null;
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

    /** The writes of a first try that rolls back, then those of the try that commits. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Function tryTwice(Function alongside) {
        return run -> {
            rolledBack = true;
            try {
                alongside.apply(run);
            } finally {
                rolledBack = false;
            }
            return alongside.apply(run);
        };
    }

    @Test
    void aRunsLastEventTakesTheNumberOfARolledBackTry() throws Exception {
        InMemorySessionStore memorySessions = new InMemorySessionStore();
        try (FlowEngine engine = engine(memorySessions)) {
            engine.register(
                    Flows.flow("one-step", String.class, String.class, scope -> scope.step("say", () -> "done")));
            FlowHandle<String, String> handle = engine.handle("one-step", "");

            FlowResult<String> result = handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-1").withSessionId("s-1").withEvents(true));

            assertThat(result).isEqualTo(new FlowResult.Completed<>("r-1", "done"));
            List<EventRecord> stored = memorySessions.readEvents("r-1", 0, 100);
            assertThat(stored)
                    .extracting(EventRecord::type)
                    .containsExactly("request.created", "request.in_progress", "request.completed");
            assertThat(stored).extracting(EventRecord::seq).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aSuspensionsEventTakesTheNumberOfARolledBackTry() throws Exception {
        InMemorySessionStore memorySessions = new InMemorySessionStore();
        try (FlowEngine engine = engine(memorySessions)) {
            engine.register(
                    Flows.flow("ask", String.class, String.class, scope -> scope.suspend("answer", String.class)));
            FlowHandle<String, String> handle = engine.handle("ask", "");

            FlowResult<String> result = handle.run(
                    "x",
                    RunOptions.defaults().withFlowId("r-2").withSessionId("s-1").withEvents(true));

            assertThat(result).isInstanceOf(FlowResult.Suspended.class);
            assertThat(memorySessions.readEvents("r-2", 0, 100))
                    .extracting(EventRecord::seq)
                    .containsExactly(1L, 2L, 3L);
        }
    }
}
