package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.service.FlowKind;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/** The service lists the CDI extension's flows before the engine is built, and the engine's after. */
class EngineFlowServiceTest {

    private final TestClock clock = new TestClock(FlowTest.START);
    private final FlowEngine engine = FlowEngine.builder()
            .store(new InMemoryFlowStore(clock))
            .executor(new InlineExecutor())
            .scheduler(new ManualScheduler(clock))
            .clock(clock)
            .settings(EngineSettings.of("node-1"))
            .build();
    private final FlowModel discovered = Flows.flow("discovered", String.class, String.class, scope -> scope.input());

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void beforeTheEngineIsBuiltTheDiscoveredFlowsAreListedWithoutBuildingIt() {
        AtomicInteger builds = new AtomicInteger();
        EngineFlowService service = new EngineFlowService(
                List.of(discovered),
                () -> {
                    builds.incrementAndGet();
                    return engine;
                },
                () -> null);

        assertThat(service.flows()).extracting(FlowKind::name).containsExactly("discovered");
        assertThat(service.flow("discovered")).isPresent();
        assertThat(builds).hasValue(0);
    }

    @Test
    void onceTheEngineIsBuiltFlowsTheApplicationRegisteredItselfAreListedToo() {
        AtomicReference<FlowEngine> built = new AtomicReference<>();
        EngineFlowService service = new EngineFlowService(List.of(discovered), () -> engine, built::get);
        engine.register(discovered);
        built.set(engine);
        engine.register(Flows.flow("registered", String.class, String.class, scope -> scope.input()));

        assertThat(service.flows()).extracting(FlowKind::name).containsExactlyInAnyOrder("discovered", "registered");
        assertThat(service.flow("registered")).map(FlowKind::name).contains("registered");
    }
}
