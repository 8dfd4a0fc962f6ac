package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.spi.RunRecord;

/**
 * A step, suspension or wait inside a step is refused with CRUX0140E, once, without retry: a replay
 * skips the outer step's body, so what ran inside it would shift every later checkpoint.
 */
class NestedStepTest {

    private final AtomicInteger outerCalls = new AtomicInteger();
    private final AtomicInteger innerCalls = new AtomicInteger();
    private final AtomicInteger flakyCalls = new AtomicInteger();

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private static final StepOptions<String> RETRIED =
            StepOptions.<String>retry(3, Duration.ofMillis(100), Backoff.LINEAR);

    private RunRecord settle(String id) {
        h.scheduler.runAll();
        return h.record(id);
    }

    private void assertRefused(RunRecord run, String outer) {
        assertThat(run.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(run.error())
                .startsWith("CRUX0011E")
                .contains("'" + outer + "'")
                .contains("CRUX0140E");
        assertThat(outerCalls).as("the outer step is not retried").hasValue(1);
        assertThat(h.store.loadCheckpoints(run.flowId())).isEmpty();
    }

    @Test
    void aStepInsideAStepWithTheSameLabelsIsRefusedInsteadOfReplayingTheWrongOutputs() {
        // before the fix: the retry of "s" replayed the inner step's output for the outer step and
        // the outer one's for the next, and the run completed with "inner|outer:inner|next"
        FlowHandle<String, String> handle = h.register(Flows.flow("same-labels", String.class, String.class, scope -> {
            String outer = scope.step(
                    "s",
                    () -> {
                        outerCalls.incrementAndGet();
                        return "outer:"
                                + scope.step("s", () -> {
                                    innerCalls.incrementAndGet();
                                    return "inner";
                                });
                    },
                    RETRIED);
            String next = scope.step("s", () -> "next");
            String flaky = scope.step(
                    "s",
                    () -> {
                        if (flakyCalls.incrementAndGet() == 1) {
                            throw new IllegalStateException("once");
                        }
                        return "flaky";
                    },
                    RETRIED);
            return outer + "|" + next + "|" + flaky;
        }));

        RunRecord run = settle(handle.start("x"));

        assertRefused(run, "s");
        assertThat(innerCalls).as("the inner step's body never runs").hasValue(0);
        assertThat(flakyCalls).hasValue(0);
    }

    @Test
    void aStepInsideAStepIsRefusedInsteadOfAFalseFlowChangeOnResume() {
        // before the fix: the signal replayed "a", then found the inner "b" where "c" was asked for
        FlowHandle<String, String> handle = h.register(Flows.flow("other-labels", String.class, String.class, scope -> {
            String a = scope.step(
                    "a",
                    () -> {
                        outerCalls.incrementAndGet();
                        return scope.step("b", () -> {
                            innerCalls.incrementAndGet();
                            return "B";
                        });
                    },
                    RETRIED);
            String c = scope.step("c", () -> "C");
            return a + c + scope.suspend("go", String.class);
        }));

        RunRecord run = settle(handle.start("x"));

        assertRefused(run, "a");
        assertThat(innerCalls).hasValue(0);
    }

    @Test
    void aSuspensionInsideAStepIsRefused() {
        // before the fix: the run suspended, and its signal failed with a FlowChangedException
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "suspend-inside",
                String.class,
                String.class,
                scope -> scope.step(
                        "ask",
                        () -> {
                            outerCalls.incrementAndGet();
                            return scope.suspend("answer", String.class);
                        },
                        RETRIED)));

        RunRecord run = settle(handle.start("x"));

        assertRefused(run, "ask");
        assertThat(run.suspension()).isNull();
    }

    @Test
    void aWaitInsideAStepIsRefused() {
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "wait-inside",
                String.class,
                String.class,
                scope -> scope.step(
                        "poll",
                        () -> {
                            outerCalls.incrementAndGet();
                            scope.waitUntil("ready", () -> true);
                            return "ready";
                        },
                        RETRIED)));

        RunRecord run = settle(handle.start("x"));

        assertRefused(run, "poll");
    }
}
