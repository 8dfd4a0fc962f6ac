package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LimitExceededException;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestClock;

/**
 * Labels, suspension names, step outputs and items over their configured limits fail the run with
 * CRUX0141E, policy-terminal, before they are written: a label before the step's body runs, an
 * output before its checkpoint.
 */
class LimitsTest {

    private static final StepOptions<String> RETRIED =
            StepOptions.<String>retry(3, Duration.ofMillis(100), Backoff.LINEAR);

    private final AtomicInteger bodyCalls = new AtomicInteger();

    private FlowEngine engine;
    private InMemoryFlowStore store;
    private ManualScheduler scheduler;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    private <I, O> FlowHandle<I, O> register(EngineLimits limits, FlowModel flow) {
        TestClock clock = new TestClock(FlowTest.START);
        store = new InMemoryFlowStore(clock);
        scheduler = new ManualScheduler(clock);
        engine = FlowEngine.builder()
                .store(store)
                .executor(new InlineExecutor())
                .scheduler(scheduler)
                .clock(clock)
                .settings(EngineSettings.of("node-1"))
                .limits(limits)
                .build();
        engine.register(flow);
        return engine.handle(flow.name(), "");
    }

    private RunRecord failed(String flowId, String key) {
        scheduler.runAll();
        RunRecord run = store.findRun(flowId).orElseThrow();
        assertThat(run.status()).isEqualTo(FlowStatus.FAILED);
        assertThat(run.error()).contains("CRUX0141E").contains(key);
        return run;
    }

    @Test
    void aLabelOverTheColumnFailsBeforeTheStepsBodyRuns() {
        // before the fix: the body ran, then the checkpoint's insert failed on the 200-character column
        String label = "x".repeat(201);
        FlowHandle<String, String> handle = register(
                EngineLimits.defaults(),
                Flows.flow(
                        "long-label",
                        String.class,
                        String.class,
                        scope -> scope.step(
                                label,
                                () -> {
                                    bodyCalls.incrementAndGet();
                                    return "side effect";
                                },
                                RETRIED)));

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("r-1")))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("CRUX0141E")
                .hasMessageContaining("201 characters")
                .hasMessageContaining(EngineLimits.LABEL_LENGTH);

        failed("r-1", EngineLimits.LABEL_LENGTH);
        assertThat(bodyCalls).hasValue(0);
        assertThat(store.loadCheckpoints("r-1")).isEmpty();
    }

    @Test
    void anOversizedOutputFailsTheRunWithoutRetryAndWritesNoCheckpoint() {
        FlowHandle<String, String> handle = register(
                new EngineLimits(100, 1 << 20, 200, 200),
                Flows.flow("big-output", String.class, String.class, scope -> {
                    String small = scope.step("small", () -> "ok");
                    String big = scope.step(
                            "big",
                            () -> {
                                bodyCalls.incrementAndGet();
                                return "é".repeat(60); // 120 bytes as UTF-8, 122 as JSON
                            },
                            RETRIED);
                    return small + big;
                }));

        handle.start(
                "x",
                RunOptions.defaults().withFlowId("r-2").withSessionId("s-1").withEvents(true));

        RunRecord run = failed("r-2", EngineLimits.STEP_OUTPUT_BYTES);
        assertThat(run.error()).contains("'big'").contains("122 bytes").contains("limit of 100 bytes");
        assertThat(run.output()).isNull();
        assertThat(bodyCalls).as("not retried").hasValue(1);
        assertThat(store.loadCheckpoints("r-2")).extracting(c -> c.label()).containsExactly("small");
        List<EventRecord> events = engine.sessions().readEvents("r-2", 0, 100);
        assertThat(events).last().extracting(EventRecord::type).isEqualTo("request.failed");
    }

    @Test
    void anOversizedItemFailsTheRunAndIsNeitherStoredNorStreamed() {
        FlowHandle<String, String> handle = register(
                new EngineLimits(1 << 20, 300, 200, 200), Flows.flow("big-item", String.class, String.class, scope -> {
                    scope.emit(Item.status("fine"));
                    scope.emit(Item.status("y".repeat(400)));
                    return "done";
                }));

        handle.start(
                "x",
                RunOptions.defaults().withFlowId("r-3").withSessionId("s-1").withEvents(true));

        failed("r-3", EngineLimits.ITEM_BYTES);
        assertThat(engine.sessions().listItems("s-1", 10)).hasSize(1);
        assertThat(engine.sessions().readEvents("r-3", 0, 100))
                .extracting(EventRecord::type)
                .containsExactly("request.created", "request.in_progress", "item.done", "request.failed");
    }

    @Test
    void aLongSuspensionNameFailsBeforeTheRunSuspends() {
        FlowHandle<String, String> handle = register(
                new EngineLimits(1 << 20, 1 << 20, 200, 10),
                Flows.flow(
                        "long-name",
                        String.class,
                        String.class,
                        scope -> scope.suspend("manager-approval", String.class)));

        handle.start("x", RunOptions.defaults().withFlowId("r-4"));

        RunRecord run = failed("r-4", EngineLimits.SUSPENSION_NAME_LENGTH);
        assertThat(run.suspension()).isNull();
    }

    @Test
    void limitsOutsideTheColumnsAreRefused() {
        assertThatThrownBy(() -> new EngineLimits(1, 1, 201, 200)).hasMessageContaining(EngineLimits.LABEL_LENGTH);
        assertThatThrownBy(() -> new EngineLimits(0, 1, 200, 200)).hasMessageContaining(EngineLimits.STEP_OUTPUT_BYTES);
    }

    @Test
    void utf8LengthCountsBytesNotChars() {
        assertThat(EngineLimits.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
        assertThat(EngineLimits.utf8Length(null)).isZero();
    }
}
