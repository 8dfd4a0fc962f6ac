package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * When the store's writes joined a caller's transaction, the run's events reach the streams only
 * once that transaction commits, and never if it rolls back.
 */
class PublishAfterCommitTest {

    /** What waits for the caller's transaction, which the test commits or rolls back. */
    private final List<Runnable> atCommit = new ArrayList<>();

    private final List<String> published = new CopyOnWriteArrayList<>();
    private EngineHarness h;
    private FlowHandle<String, String> handle;

    @BeforeEach
    void setUp() {
        InMemoryFlowStore memory = new InMemoryFlowStore(new TestClock(FlowTest.START));
        FlowStore joined = (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    if (method.getName()
                            .equals("saveCheckpointHolding")) { // through the proxy: its writes are seen below
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (method.getName().equals("afterCommit")) {
                        atCommit.add((Runnable) args[0]);
                        return null;
                    }
                    try {
                        return method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        h = EngineHarness.direct(joined);
        handle = h.register(Flows.flow(
                "in-a-transaction",
                String.class,
                String.class,
                scope -> scope.step("greet", () -> "hello " + scope.input())));
        h.engine.events().subscribe("tx-1", (EventRecord e) -> published.add(e.type()));
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void nothingIsPublishedBeforeTheCallersTransactionCommits() {
        FlowResult<String> result =
                handle.run("x", RunOptions.defaults().withFlowId("tx-1").withEvents(true));
        assertThat(result).isEqualTo(new FlowResult.Completed<>("tx-1", "hello x"));
        assertThat(published).isEmpty();

        atCommit.forEach(Runnable::run);

        assertThat(published).containsExactly("request.created", "request.in_progress", "request.completed");
    }

    @Test
    void nothingIsPublishedWhenTheCallersTransactionRollsBack() {
        handle.run("x", RunOptions.defaults().withFlowId("tx-1").withEvents(true));

        atCommit.clear(); // rolled back: what waited for the commit never runs

        assertThat(published).isEmpty();
    }
}
