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

/** A lifecycle listener that throws at every event is logged, and the runs go on as they would. */
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
