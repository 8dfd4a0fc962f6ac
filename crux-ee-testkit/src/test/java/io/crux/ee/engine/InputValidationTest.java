package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.InvalidInputException;

/** A run's input is converted and checked with Bean Validation before anything is stored. */
class InputValidationTest {

    /** The flow input. */
    public record Order(@NotBlank String customer, @Positive int quantity) {}

    private final AtomicInteger bodyCalls = new AtomicInteger();
    private EngineHarness h;
    private FlowHandle<Order, String> handle;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
        handle = h.register(Flows.flow("orders", Order.class, String.class, scope -> {
            bodyCalls.incrementAndGet();
            return scope.step(
                    "book", () -> scope.input().customer() + "x" + scope.input().quantity());
        }));
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private void assertNothingStored() {
        assertThat(h.store.findRun("o-1")).isEmpty();
        assertThat(h.store.listRuns("orders", null, 10)).isEmpty();
        assertThat(bodyCalls).hasValue(0);
    }

    @Test
    void invalidInputIsRefusedWithOneViolationPerField() {
        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class,
                () -> handle.run(new Order(" ", 0), RunOptions.defaults().withFlowId("o-1")));

        assertThat(e.messageId()).isEqualTo("CRUX0026E");
        assertThat(e.flowId()).as("no run was created").isEmpty();
        assertThat(e.violations())
                .extracting(InvalidInputException.Violation::field)
                .containsExactly("customer", "quantity");
        assertThat(e.violations()).allSatisfy(v -> assertThat(v.message()).isNotBlank());
        assertThat(e).hasMessageContaining("'orders'");
        assertNothingStored();
    }

    @Test
    void startChecksTheInputBeforeReturning() {
        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class,
                () -> handle.start(new Order("acme", -3), RunOptions.defaults().withFlowId("o-1")));

        assertThat(e.violations())
                .extracting(InvalidInputException.Violation::field)
                .containsExactly("quantity");
        assertNothingStored();
    }

    @Test
    void inputOfAnotherShapeIsConvertedThenValidated() {
        FlowHandle<Object, String> loose = h.engine.handle("orders", "");

        FlowResult<String> ok = loose.run(Map.of("customer", "acme", "quantity", 2));
        InvalidInputException bad = catchThrowableOfType(
                InvalidInputException.class,
                () -> loose.run(
                        Map.of("customer", "", "quantity", 2),
                        RunOptions.defaults().withFlowId("o-1")));

        assertThat(ok).isEqualTo(new FlowResult.Completed<>(ok.flowId(), "acmex2"));
        assertThat(bad.violations())
                .extracting(InvalidInputException.Violation::field)
                .containsExactly("customer");
        assertThat(h.store.findRun("o-1")).isEmpty();
    }

    @Test
    void inputThatCannotBeConvertedIsInvalid() {
        FlowHandle<Object, String> loose = h.engine.handle("orders", "");

        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class,
                () -> loose.run("{not json", RunOptions.defaults().withFlowId("o-1")));

        assertThat(e.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEmpty();
            assertThat(v.message()).contains("cannot convert");
        });
        assertNothingStored();
    }

    @Test
    void parsedJsonIsHeldToTheSchemaBeforeJsonbMayCoerceIt() {
        FlowHandle<Object, String> loose = h.engine.handle("orders", "");
        JsonValue coercible = Json.createObjectBuilder()
                .add("customer", 12345)
                .add("quantity", "2")
                .add("rush", true)
                .build();

        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class,
                () -> loose.run(coercible, RunOptions.defaults().withFlowId("o-1")));

        assertThat(e.messageId()).isEqualTo("CRUX0026E");
        assertThat(e.violations())
                .extracting(InvalidInputException.Violation::pointer)
                .containsExactly("/customer", "/quantity", "/rush");
        assertThat(catchThrowableOfType(
                                InvalidInputException.class, () -> h.engine.prepareInput("orders", "", JsonValue.NULL))
                        .violations())
                .hasSize(1);
        assertNothingStored();
    }

    @Test
    void validInputIsStoredAndRuns() {
        FlowResult<String> result =
                handle.run(new Order("acme", 3), RunOptions.defaults().withFlowId("o-1"));

        assertThat(result).isEqualTo(new FlowResult.Completed<>("o-1", "acmex3"));
        assertThat(h.record("o-1").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.codec.decode(h.record("o-1").input(), getClass().getClassLoader()))
                .isEqualTo(new Order("acme", 3));
        assertThat(handle.get("o-1").orElseThrow().steps())
                .extracting(s -> s.label(), s -> s.attempts())
                .containsExactly(tuple("book", 1));
    }
}
