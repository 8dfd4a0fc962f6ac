package io.crux.ee.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.codec.BeanValidationInputValidator;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * An engine for the lifecycle tests whose listener records each event on one timeline, which the
 * test's store may write to as well (its commits), so that the order of commits and events shows.
 */
final class LifecycleEngine implements AutoCloseable {

    final TestClock clock = new TestClock(FlowTest.START);
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final List<Object> timeline = new CopyOnWriteArrayList<>();
    final FlowStore store;
    final FlowEngine engine;
    final ExecutorService executor;

    /**
     * @param store the engine's store, made from its clock
     * @param executor runs the runs
     * @param nodeId the engine's node id
     * @param listener told of each event after it is recorded (a listener that throws, say)
     */
    LifecycleEngine(
            java.util.function.Function<TestClock, FlowStore> store,
            ExecutorService executor,
            String nodeId,
            FlowLifecycleListener listener) {
        this.store = store.apply(clock);
        this.executor = executor;
        this.engine = FlowEngine.builder()
                .store(this.store)
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .validator(new BeanValidationInputValidator(EngineHarness.VALIDATOR))
                .settings(EngineSettings.of(nodeId))
                .lifecycle(event -> {
                    timeline.add(event);
                    listener.transitioned(event);
                })
                .build();
    }

    /** @return the events recorded so far, in order */
    List<FlowLifecycleEvent> events() {
        return timeline.stream()
                .filter(FlowLifecycleEvent.class::isInstance)
                .map(FlowLifecycleEvent.class::cast)
                .toList();
    }

    /** @return the kinds of the events recorded so far, in order */
    List<String> kinds() {
        return events().stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    @Override
    public void close() throws Exception {
        engine.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
    }
}
