package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.event.RunCompleted;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/**
 * The engine tells of a transition only after the store's write of it returned (committed), and
 * never of one whose write failed (rolled back).
 */
class LifecycleAfterCommitTest {

    /** The store's method whose writes fail, or null. */
    private volatile String failing;

    private LifecycleEngine l;

    @AfterEach
    void tearDown() throws Exception {
        l.close();
    }

    /** A store that puts "commit:" + method on the timeline when a write returns, and fails {@link #failing}. */
    private FlowStore store(TestClock clock) {
        InMemoryFlowStore memory = new InMemoryFlowStore(clock);
        return (FlowStore) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {FlowStore.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals(failing)) {
                        throw new CruxPersistenceException("CRUX0030E: the commit failed", null, null);
                    }
                    Object result;
                    try {
                        result = method.invoke(memory, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (name.equals("createRun")
                            || name.equals("suspend")
                            || name.equals("finish")
                            || name.equals("claim")
                            || name.equals("end")) {
                        l.timeline.add("commit:" + name);
                    }
                    return result;
                });
    }

    private FlowHandle<String, String> approvals() {
        l = new LifecycleEngine(this::store, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("approval", String.class, String.class, scope -> {
            String ok = scope.suspend("manager", String.class);
            return scope.input() + ":" + ok;
        }));
        return l.engine.handle("approval", "");
    }

    @Test
    void eachEventFollowsTheCommitOfItsTransition() {
        FlowHandle<String, String> handle = approvals();
        String id = handle.run("claim").flowId();
        handle.signal(id, "manager", "yes");

        assertThat(l.timeline.stream()
                        .map(o -> o instanceof String s ? s : o.getClass().getSimpleName()))
                .containsExactly(
                        "commit:createRun",
                        "RunStarted",
                        "commit:suspend",
                        "RunSuspended",
                        "commit:claim",
                        "RunResumed",
                        "commit:finish",
                        "RunCompleted");
    }

    @Test
    void aRunWhoseEndFailsToCommitFiresNoCompleted() {
        FlowHandle<String, String> handle = approvals();
        String id = handle.run("claim").flowId();
        failing = "finish";

        assertThatThrownBy(() -> handle.signal(id, "manager", "yes")).isInstanceOf(CruxPersistenceException.class);

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunResumed");
        assertThat(l.events()).noneMatch(RunCompleted.class::isInstance);
    }

    @Test
    void aSuspensionThatFailsToCommitFiresNoSuspended() {
        FlowHandle<String, String> handle = approvals();
        failing = "suspend";

        assertThatThrownBy(() -> handle.run("claim")).isInstanceOf(CruxPersistenceException.class);

        assertThat(l.kinds()).containsExactly("RunStarted");
    }

    @Test
    void aRunWhoseRowFailsToCommitFiresNoStarted() {
        FlowHandle<String, String> handle = approvals();
        failing = "createRun";

        assertThatThrownBy(() -> handle.run("claim")).isInstanceOf(CruxPersistenceException.class);

        assertThat(l.timeline).isEmpty();
    }

    @Test
    void aCancelThatFailsToCommitFiresNoCancelled() {
        FlowHandle<String, String> handle = approvals();
        String id = handle.run("claim").flowId();
        failing = "end";

        assertThatThrownBy(() -> handle.cancel(id, "withdrawn")).isInstanceOf(CruxPersistenceException.class);

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended");
    }
}
