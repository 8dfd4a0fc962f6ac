package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.json.Json;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/** Input is checked once, at the edge that received it: the HTTP API's path does not check it again when it starts the run. */
class InputCheckedOnceTest {

    /** The flow input. */
    public record Order(String customer, int quantity) {}

    private final List<Object> validated = new CopyOnWriteArrayList<>();
    private InMemoryFlowStore store;
    private FlowEngine engine;
    private EngineFlowService service;

    @BeforeEach
    void setUp() {
        TestClock clock = new TestClock(FlowTest.START);
        store = new InMemoryFlowStore(clock);
        engine = FlowEngine.builder()
                .store(store)
                .executor(new InlineExecutor())
                .scheduler(new ManualScheduler(clock))
                .clock(clock)
                .settings(EngineSettings.of("node-1"))
                .validator(value -> {
                    validated.add(value);
                    return ((Order) value).quantity() > 0
                            ? List.of()
                            : List.of(new Violation("quantity", "must be positive"));
                })
                .build();
        engine.register(Flows.flow(
                "orders", Order.class, String.class, scope -> scope.input().customer()));
        service = new EngineFlowService(engine);
    }

    @AfterEach
    void tearDown() {
        engine.close();
    }

    @Test
    void theHttpPathChecksTheInputOnceAndStartsWithIt() {
        Object input = service.checkInput(
                "orders",
                "",
                Json.createObjectBuilder()
                        .add("customer", "acme")
                        .add("quantity", 2)
                        .build());
        String runId = service.start("orders", "", input, RunOptions.defaults());

        assertThat(store.findRun(runId).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(validated).containsExactly(new Order("acme", 2));
    }

    @Test
    void theHttpPathRefusesInvalidInputBeforeAnythingIsStored() {
        assertThatThrownBy(() -> service.checkInput(
                        "orders",
                        "",
                        Json.createObjectBuilder()
                                .add("customer", "acme")
                                .add("quantity", 0)
                                .build()))
                .isInstanceOf(InvalidInputException.class);

        assertThat(store.listRuns("orders", null, 10)).isEmpty();
    }

    @Test
    void aJavaCallerIsCheckedOnceByTheHandle() {
        String runId = engine.<Order, String>handle("orders", "").start(new Order("acme", 3), RunOptions.defaults());

        assertThat(store.findRun(runId).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(validated).containsExactly(new Order("acme", 3));
    }
}
