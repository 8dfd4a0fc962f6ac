package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/** A flow declared {@code durable = false} runs entirely in memory and cannot suspend. */
class NonDurableFlowTest {

    /** A store that must never be used: it counts and refuses every call. */
    static final class ForbiddenStore implements FlowStore {
        final AtomicInteger calls = new AtomicInteger();

        private <T> T refuse(String method) {
            calls.incrementAndGet();
            throw new AssertionError("a non-durable flow touched the store: " + method);
        }

        @Override
        public void createRun(RunRecord run) {
            refuse("createRun");
        }

        @Override
        public Optional<RunRecord> findRun(String flowId) {
            return refuse("findRun");
        }

        @Override
        public List<RunRecord> listRuns(String flowName, FlowStatus status, int limit) {
            return refuse("listRuns");
        }

        @Override
        public List<RunRecord> findOpenChildren(String parentFlowId) {
            return refuse("findOpenChildren");
        }

        @Override
        public List<RunRecord> findRuns(RunQuery query) {
            return refuse("findRuns");
        }

        @Override
        public List<CheckpointRecord> loadCheckpoints(String flowId) {
            return refuse("loadCheckpoints");
        }

        @Override
        public <T> T whileHolding(String flowId, String owner, java.util.function.Supplier<T> work) {
            return refuse("whileHolding");
        }

        @Override
        public void saveCheckpoint(CheckpointRecord checkpoint) {
            refuse("saveCheckpoint");
        }

        @Override
        public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
            return refuse("suspend");
        }

        @Override
        public RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error) {
            return refuse("finish");
        }

        @Override
        public RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal) {
            return refuse("claim");
        }

        @Override
        public RunRecord end(RunRecord seen, FlowStatus status, String reason) {
            return refuse("end");
        }

        @Override
        public List<RunRecord> findRecoverable(String owner, Instant now, int limit) {
            return refuse("findRecoverable");
        }

        @Override
        public int renewLeases(String owner, Instant leaseUntil) {
            return refuse("renewLeases");
        }

        @Override
        public List<RunRecord> findCancelled(String owner, Instant since) {
            return refuse("findCancelled");
        }
    }

    private final ForbiddenStore store = new ForbiddenStore();
    private final AtomicInteger firstCalls = new AtomicInteger();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct(store);
    }

    @AfterEach
    void tearDown() throws Exception {
        assertThat(store.calls).as("store calls").hasValue(0);
        h.close();
    }

    private <O> FlowHandle<String, O> register(Class<O> out, Flows.Body<String, O> body) {
        return h.register(Flows.flow("fast", false, String.class, out, body));
    }

    @Test
    void runCompletesWithoutTouchingTheStore() {
        FlowHandle<String, String> handle = register(String.class, scope -> {
            String a = scope.step("a", () -> "A");
            String b = scope.step("b", () -> a + "B");
            scope.waitUntil("ready", () -> true);
            return b + scope.input();
        });

        FlowResult<String> result = handle.run("!");

        assertThat(result).isEqualTo(new FlowResult.Completed<>(result.flowId(), "AB!"));
        assertThat(handle.get(result.flowId())).isEmpty();
        assertThat(handle.list(null)).isEmpty();
    }

    @Test
    void retryWithDelayReplaysCompletedStepsFromMemory() {
        FlowHandle<String, String> handle = register(String.class, scope -> {
            String first = scope.step("first", () -> "1:" + firstCalls.incrementAndGet());
            String flaky = scope.step(
                    "flaky",
                    () -> {
                        if (flakyCalls.incrementAndGet() < 3) {
                            throw new IllegalStateException("down");
                        }
                        return "ok";
                    },
                    StepOptions.<String>retry(3, ms(100), Backoff.EXPONENTIAL));
            return first + "/" + flaky;
        });

        handle.start("x");
        assertThat(h.scheduler.runAll()).isEqualTo(2);

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200));
        assertThat(firstCalls).hasValue(1);
        assertThat(flakyCalls).hasValue(3);
    }

    @Test
    void suspendIsADefinitionError() {
        FlowHandle<String, String> handle = register(String.class, scope -> {
            scope.step("a", () -> firstCalls.incrementAndGet());
            return scope.suspend("go", String.class);
        });

        FlowDefinitionException e = catchThrowableOfType(FlowDefinitionException.class, () -> handle.run("x"));

        assertThat(e.messageId()).isEqualTo("CRUX0027E");
        assertThat(e).hasMessageContaining("'fast'").hasMessageContaining("suspend");
        assertThat(firstCalls).hasValue(1);
    }

    @Test
    void waitUntilWhoseConditionFailsIsADefinitionError() {
        FlowHandle<String, String> handle = register(String.class, scope -> {
            scope.waitUntil("ready", () -> false);
            return "never";
        });

        assertThat(catchThrowableOfType(FlowDefinitionException.class, () -> handle.run("x"))
                        .messageId())
                .isEqualTo("CRUX0027E");
    }

    @Test
    void signalAndResumeAreDefinitionErrors() {
        FlowHandle<String, String> handle = register(String.class, scope -> "x");

        assertThat(catchThrowableOfType(FlowDefinitionException.class, () -> handle.signal("id", "go", "p"))
                        .messageId())
                .isEqualTo("CRUX0027E");
        assertThat(catchThrowableOfType(FlowDefinitionException.class, () -> handle.resume("id"))
                        .messageId())
                .isEqualTo("CRUX0027E");
    }

    @Test
    void cancelOfAnUnknownRunIsNotFoundWithoutAStoreLookup() {
        FlowHandle<String, String> handle = register(String.class, scope -> "x");

        assertThat(catchThrowableOfType(FlowNotFoundException.class, () -> handle.cancel("nope", "why"))
                        .flowId())
                .contains("nope");
    }

    @Test
    void cancelWhileWaitingForARetryEndsTheRun() {
        FlowHandle<String, String> handle = register(
                String.class,
                scope -> scope.step(
                        "flaky",
                        () -> {
                            flakyCalls.incrementAndGet();
                            throw new IllegalStateException("down");
                        },
                        StepOptions.<String>retry(3, ms(100), Backoff.LINEAR)));
        String id = handle.start("x");

        handle.cancel(id, "stop");

        assertThat(h.scheduler.runAll()).isZero();
        assertThat(flakyCalls).hasValue(1);
    }
}
