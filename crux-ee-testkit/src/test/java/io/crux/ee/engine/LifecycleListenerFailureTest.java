package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.testkit.InlineExecutor;

/** A lifecycle listener that throws, or a store that cannot wait for a commit, is logged, and the runs go on as they would. */
class LifecycleListenerFailureTest {

    private final java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger logger = Logger.getLogger(RunLifecycle.class.getName());

    private LifecycleEngine l;

    @AfterEach
    void tearDown() throws Exception {
        logger.removeHandler(capture);
        l.close();
    }

    @Test
    void storeThatCannotWaitForTheCommitDropsTheEventsAndChangesNoOutcome() {
        Logger.getLogger(RunLifecycle.class.getName()).addHandler(capture);
        l = new LifecycleEngine(
                clock -> {
                    InMemoryFlowStore memory = new InMemoryFlowStore(clock);
                    return (io.crux.ee.spi.FlowStore) java.lang.reflect.Proxy.newProxyInstance(
                            getClass().getClassLoader(),
                            new Class<?>[] {io.crux.ee.spi.FlowStore.class},
                            (proxy, method, args) -> {
                                if (method.getName().equals("afterCommit")) {
                                    throw new io.crux.ee.api.exception.CruxPersistenceException(
                                            "CRUX0030E: no transaction manager", null, null);
                                }
                                try {
                                    return method.invoke(memory, args);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
                },
                new InlineExecutor(),
                "node-1",
                event -> {});
        l.engine.register(Flows.flow("plain", String.class, String.class, scope -> scope.input() + "!"));

        FlowResult<String> done = l.engine.<String, String>handle("plain", "").run("x");

        assertThat(done).isEqualTo(new FlowResult.Completed<>(done.flowId(), "x!"));
        assertThat(l.kinds()).isEmpty();
        assertThat(logged).hasSize(2).allMatch(m -> m.startsWith("CRUX0202W") && m.contains(done.flowId()));
    }

    @Test
    void throwingListenerChangesNoOutcomeAndIsLoggedWithItsMessageId() {
        logger.addHandler(capture);
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", event -> {
            throw new IllegalStateException(
                    "observer broke on " + event.getClass().getSimpleName());
        });
        l.engine.register(Flows.flow("approval", String.class, String.class, scope -> {
            String first = scope.step("first", () -> "one");
            String ok = scope.suspend("manager", String.class);
            return first + ":" + ok;
        }));
        FlowHandle<String, String> handle = l.engine.handle("approval", "");

        String id = handle.run("claim").flowId();
        FlowResult<String> done = handle.signal(id, "manager", "yes");

        assertThat(done).isEqualTo(new FlowResult.Completed<>(id, "one:yes"));
        assertThat(l.store.findRun(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunResumed", "RunCompleted");
        assertThat(logged).hasSize(4).allMatch(m -> m.startsWith("CRUX0200W: An observer of Run") && m.contains(id));
    }
}
