package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.block.Handler;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.InlineExecutor;

/**
 * {@code idempotencyKey()} names a step's position, not its attempt: the same at every attempt and
 * after a recovery on another engine, different for every other step, occurrence and run, and
 * refused outside a step.
 */
class IdempotencyKeyTest {

    private final List<EngineHarness> harnesses = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (EngineHarness h : harnesses) {
            h.close();
        }
    }

    private EngineHarness direct() {
        EngineHarness h = EngineHarness.direct();
        harnesses.add(h);
        return h;
    }

    @Test
    void theKeyIsTheSameAtEveryAttemptAndDiffersPerStepOccurrenceAndRun() {
        EngineHarness h = direct();
        Map<String, List<String>> keys = new ConcurrentHashMap<>();
        AtomicInteger chargeCalls = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow("keys", String.class, String.class, scope -> {
            scope.step(
                    "charge",
                    () -> {
                        keys.computeIfAbsent(scope.flowId() + " charge#0", k -> new CopyOnWriteArrayList<>())
                                .add(scope.idempotencyKey());
                        if (chargeCalls.incrementAndGet() % 2 == 1) {
                            throw new IllegalStateException("timeout talking to the provider");
                        }
                        return "charged";
                    },
                    StepOptions.retry(2, Duration.ZERO, Backoff.LINEAR));
            scope.step("charge", () -> {
                keys.computeIfAbsent(scope.flowId() + " charge#1", k -> new CopyOnWriteArrayList<>())
                        .add(scope.idempotencyKey());
                return "again";
            });
            scope.step("refund", () -> {
                keys.computeIfAbsent(scope.flowId() + " refund", k -> new CopyOnWriteArrayList<>())
                        .add(scope.idempotencyKey());
                return "refunded";
            });
            return "done";
        }));

        handle.run("x", RunOptions.defaults().withFlowId("run-a"));
        handle.run("x", RunOptions.defaults().withFlowId("run-b"));

        assertThat(keys.get("run-a charge#0"))
                .hasSize(2)
                .containsOnly(keys.get("run-a charge#0").get(0));
        List<String> firsts = keys.values().stream().map(k -> k.get(0)).toList();
        assertThat(firsts).hasSize(6).doesNotHaveDuplicates();
        assertThat(firsts).allSatisfy(k -> assertThat(k).matches("[0-9a-f-]{36}"));
    }

    @Test
    void aHandlerBlockSeesTheKeyOfItsStep() {
        List<String> keys = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Handler<String, String> pay = Handler.<String, String>of("pay", (input, ctx) -> {
                    keys.add(ctx.idempotencyKey());
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("declined for now");
                    }
                    return "paid " + input;
                })
                .withOptions(StepOptions.retry(2, Duration.ZERO, Backoff.LINEAR));
        assertThat(CruxTest.testBlock(pay).input("x").run().output()).isEqualTo("paid x");

        assertThat(keys).hasSize(2).containsOnly(keys.get(0));
    }

    @Test
    void outsideAStepTheKeyIsRefusedWithAMessageId() {
        EngineHarness h = direct();
        FlowHandle<String, String> handle =
                h.register(Flows.flow("no-step", String.class, String.class, scope -> scope.idempotencyKey()));

        assertThatThrownBy(() -> handle.run("x", RunOptions.defaults().withFlowId("run-d")))
                .hasMessageContaining("CRUX0069E");
    }

    @Test
    void aRecoveredRunGivesTheStepItRunsAgainTheSameKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        CountDownLatch inCharge = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        FlowModel flow = Flows.flow(
                "recovered-keys",
                String.class,
                String.class,
                scope -> scope.step("charge", () -> {
                    keys.add(scope.idempotencyKey());
                    if (calls.incrementAndGet() == 1) {
                        inCharge.countDown();
                        release.await(); // the "crashed" server never gets further
                    }
                    return "charged";
                }));
        EngineHarness a = EngineHarness.pooled("node-1");
        harnesses.add(a);
        a.register(flow);
        a.engine
                .<String, String>handle("recovered-keys", "")
                .start("x", RunOptions.defaults().withFlowId("run-e"));
        assertThat(inCharge.await(10, TimeUnit.SECONDS)).isTrue();

        EngineHarness b = a.sibling("node-1", new InlineExecutor());
        b.register(flow);
        assertThat(b.engine.maintain()).isEqualTo(1);
        release.countDown();

        assertThat(b.record("run-e").status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(keys).hasSize(2).containsOnly(keys.get(0));
    }
}
