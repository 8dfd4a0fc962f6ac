package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.StepFailure;
import io.crux.ee.testkit.FlowTest;

/**
 * A step's checkpoint keeps when its first attempt started and each failed attempt (times, type,
 * message, message id, the wait chosen); a step that fails for good leaves them with the run.
 */
class AttemptLogTest {

    private final AtomicInteger calls = new AtomicInteger();
    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private String failTwiceThen(int attempts) {
        var handle = h.register(Flows.flow(
                "charges",
                String.class,
                String.class,
                scope -> scope.step(
                        "charge",
                        () -> {
                            int n = calls.incrementAndGet();
                            if (n == 1) {
                                throw new IllegalStateException("card service down");
                            }
                            if (n == 2) {
                                throw new FlowStateException("CRUX0999E: not yet", "x", FlowStatus.RUNNING);
                            }
                            return "charged";
                        },
                        StepOptions.<String>retry(attempts, ms(100), Backoff.LINEAR))));
        return handle.start("x");
    }

    @Test
    void aCompletedStepKeepsItsFailedAttempts() {
        String id = failTwiceThen(3);
        h.scheduler.runAll();

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.COMPLETED);
        CheckpointRecord charge = h.store.loadCheckpoints(id).get(0);
        assertThat(charge.attempts()).isEqualTo(3);
        assertThat(charge.startedAt()).isEqualTo(FlowTest.START);
        List<AttemptFailure> failures = charge.failures();
        assertThat(failures).extracting(AttemptFailure::attempt).containsExactly(1, 2);
        assertThat(failures.get(0).type()).isEqualTo(IllegalStateException.class.getName());
        assertThat(failures.get(0).message()).isEqualTo("card service down");
        assertThat(failures.get(0).messageId()).isNull();
        assertThat(failures.get(0).retryWaitMs()).isEqualTo(100L);
        assertThat(failures.get(1).messageId()).isEqualTo("CRUX0999E");
        assertThat(failures.get(1).startedAt()).as("after the wait").isEqualTo(FlowTest.START.plusMillis(100));
        assertThat(charge.completedAt()).isAfterOrEqualTo(failures.get(1).endedAt());
        assertThat(h.store.findFailure(id)).isEmpty();
    }

    @Test
    void anAttemptThatRunsNowIsListedUntilItEnds() {
        List<List<io.crux.ee.service.RunningAttempt>> seen = new java.util.ArrayList<>();
        var handle = h.register(Flows.flow(
                "watched",
                String.class,
                String.class,
                scope -> scope.step(
                        "slow",
                        () -> {
                            seen.add(h.engine.running(scope.flowId()));
                            if (calls.incrementAndGet() == 1) {
                                throw new IllegalStateException("again");
                            }
                            return "done";
                        },
                        StepOptions.<String>retry(2, ms(100), Backoff.LINEAR))));
        String id = handle.start("x");
        h.scheduler.runAll();

        assertThat(seen)
                .extracting(
                        l -> l.stream().map(a -> a.label() + "#" + a.attempt()).toList())
                .containsExactly(List.of("slow#1"), List.of("slow#2"));
        assertThat(seen.get(1).get(0).startedAt()).isEqualTo(FlowTest.START.plusMillis(100));
        assertThat(h.engine.running(id)).isEmpty();
    }

    @Test
    void aStepThatFailsForGoodLeavesItsAttemptsWithTheRun() {
        String id = failTwiceThen(2);
        h.scheduler.runAll();

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.FAILED);
        assertThat(h.store.loadCheckpoints(id)).isEmpty();
        StepFailure failure = h.store.findFailure(id).orElseThrow();
        assertThat(failure.label()).isEqualTo("charge");
        assertThat(failure.attempts()).isEqualTo(2);
        assertThat(failure.failures()).extracting(AttemptFailure::messageId).containsExactly(null, "CRUX0999E");
        assertThat(failure.failures()).extracting(AttemptFailure::retryWaitMs).containsExactly(100L, null);
    }
}
