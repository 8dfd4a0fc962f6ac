package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.validation.ConstraintViolationException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.ConstraintViolatedException;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.api.exception.ValidationExhaustedException;

/**
 * Policy-terminal failures end a step at once: no retry and no fallback, unless the step's
 * {@code shouldRetry} opts them in.
 */
class PolicyTerminalTest {

    private final AtomicInteger stepCalls = new AtomicInteger();
    private final AtomicInteger fallbackCalls = new AtomicInteger();
    private final AtomicInteger afterCalls = new AtomicInteger();

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    static Stream<Arguments> terminalFailures() {
        return Stream.of(
                Arguments.of("GuardrailBlockedException", (Supplier<RuntimeException>)
                        () -> new GuardrailBlockedException("blocked")),
                Arguments.of("ConstraintViolatedException", (Supplier<RuntimeException>)
                        () -> new ConstraintViolatedException("over budget")),
                Arguments.of("ValidationExhaustedException", (Supplier<RuntimeException>)
                        () -> new ValidationExhaustedException("still invalid")),
                Arguments.of("jakarta ConstraintViolationException", (Supplier<RuntimeException>)
                        () -> new ConstraintViolationException("bad bean", Set.of())),
                Arguments.of("wrapped GuardrailBlockedException", (Supplier<RuntimeException>)
                        () -> new IllegalStateException("wrapper", new GuardrailBlockedException("inner"))));
    }

    private FlowHandle<String, String> register(Supplier<RuntimeException> failure, Predicate<Throwable> shouldRetry) {
        StepOptions<String> options = StepOptions.<String>retry(3, Duration.ofMillis(100), Backoff.LINEAR)
                .withFallback(t -> {
                    fallbackCalls.incrementAndGet();
                    return "fallback";
                });
        if (shouldRetry != null) {
            options = options.withShouldRetry(shouldRetry);
        }
        StepOptions<String> opts = options;
        return h.register(Flows.flow("guarded", String.class, String.class, scope -> {
            String v = scope.step(
                    "guarded-call",
                    () -> {
                        stepCalls.incrementAndGet();
                        throw failure.get();
                    },
                    opts);
            return scope.step("after", () -> {
                afterCalls.incrementAndGet();
                return v;
            });
        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("terminalFailures")
    void terminalFailureIsNeitherRetriedNorSentToTheFallback(String name, Supplier<RuntimeException> failure) {
        var handle = register(failure, null);

        StepFailedException e = catchThrowableOfType(
                StepFailedException.class,
                () -> handle.run("x", RunOptions.defaults().withFlowId("run-1")));

        assertThat(e).isNotNull();
        assertThat(e.flowId()).contains("run-1");
        assertThat(e.stepLabel()).contains("guarded-call");
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.messageId()).isEqualTo("CRUX0011E");
        assertThat(StepOptions.isPolicyTerminal(e.getCause())).isTrue();
        assertThat(stepCalls).hasValue(1);
        assertThat(fallbackCalls).hasValue(0);
        assertThat(afterCalls).hasValue(0);
        assertThat(h.scheduler.delays()).as("no retry was scheduled").isEmpty();
        assertThat(h.record("run-1").status()).isEqualTo(FlowStatus.FAILED);
        assertThat(h.record("run-1").error()).startsWith("CRUX0011E");
    }

    @Test
    void shouldRetryCanOptATerminalFailureIntoRetriesAndFallback() {
        var handle = register(() -> new GuardrailBlockedException("blocked"), t -> true);

        String id = handle.start("x");
        h.scheduler.runAll();

        assertThat(h.scheduler.delays()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(stepCalls).hasValue(3);
        assertThat(fallbackCalls).hasValue(1);
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(h.output(id)).isEqualTo("fallback");
    }

    @Test
    void shouldRetryOptInWithoutFallbackFailsAfterAllAttempts() {
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "opt-in",
                String.class,
                String.class,
                scope -> scope.step(
                        "guarded-call",
                        () -> {
                            stepCalls.incrementAndGet();
                            throw new ConstraintViolatedException("over budget");
                        },
                        StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR)
                                .withShouldRetry(t -> t instanceof ConstraintViolatedException))));

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> handle.run("x"));

        assertThat(e.attempts()).isEqualTo(2);
        assertThat(e.messageId()).isEqualTo("CRUX0010E");
        assertThat(e.getCause()).isInstanceOf(ConstraintViolatedException.class);
        assertThat(stepCalls).hasValue(2);
    }

    @Test
    void shouldRetryRefusingAnOrdinaryFailureSkipsRetriesAndFallback() {
        var handle = register(() -> new IllegalArgumentException("not retryable here"), t -> false);

        StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> handle.run("x"));

        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.messageId())
                .as("not policy-terminal, so the ordinary message")
                .isEqualTo("CRUX0010E");
        assertThat(stepCalls).hasValue(1);
        assertThat(fallbackCalls).hasValue(0);
    }

    @Test
    void ordinaryFailureIsRetriedAndReachesTheFallback() {
        var handle = register(() -> new IllegalStateException("transient"), null);

        String id = handle.start("x");
        h.scheduler.runAll();

        assertThat(stepCalls).hasValue(3);
        assertThat(fallbackCalls).hasValue(1);
        assertThat(h.output(id)).isEqualTo("fallback");
    }
}
