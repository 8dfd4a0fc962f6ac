package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.api.exception.InvalidInputException;

/** A run suspends without holding a thread and continues when a valid signal arrives. */
class SuspendSignalTest {

    /** The signal payload, checked with Bean Validation. */
    public record Approval(@NotBlank String approver, boolean approved) {}

    private static final Duration EXPIRY = Duration.ofHours(1);

    private final AtomicInteger prepareCalls = new AtomicInteger();
    private final AtomicInteger finishCalls = new AtomicInteger();

    private EngineHarness h;
    private FlowHandle<String, String> handle;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
        handle = h.register(Flows.flow("approval", String.class, String.class, scope -> {
            String prepared = scope.step("prepare", () -> {
                prepareCalls.incrementAndGet();
                return "prepared:" + scope.input();
            });
            Approval approval = scope.suspend("manager", Approval.class, EXPIRY);
            return scope.step("finish", () -> {
                finishCalls.incrementAndGet();
                return prepared + "/" + approval.approver() + "/" + approval.approved();
            });
        }));
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private String suspendedRun() {
        FlowResult<String> result = handle.run("expense-1");
        assertThat(result).isInstanceOf(FlowResult.Suspended.class);
        return result.flowId();
    }

    @Test
    void runSuspendsAndStoresTheSuspension() {
        Instant now = h.clock.instant();

        FlowResult<String> result = handle.run("expense-1");

        assertThat(result).isEqualTo(new FlowResult.Suspended<>(result.flowId(), "manager", now, now.plus(EXPIRY)));
        assertThat(h.record(result.flowId()).status()).isEqualTo(FlowStatus.SUSPENDED);
        FlowRunInfo info = handle.get(result.flowId()).orElseThrow();
        assertThat(info.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(info.suspensionName()).isEqualTo("manager");
        assertThat(info.expiresAt()).isEqualTo(now.plus(EXPIRY));
        assertThat(info.steps()).extracting(FlowRunInfo.StepInfo::label).containsExactly("prepare");
        assertThat(finishCalls).hasValue(0);
        assertThat(handle.list(FlowStatus.SUSPENDED))
                .extracting(FlowRunInfo::flowId)
                .containsExactly(result.flowId());
    }

    @Test
    void signalCompletesTheRunAndStepsBeforeTheSuspensionRanOnce() {
        String id = suspendedRun();

        FlowResult<String> result = handle.signal(id, "manager", new Approval("ann", true));

        assertThat(result).isEqualTo(new FlowResult.Completed<>(id, "prepared:expense-1/ann/true"));
        assertThat(prepareCalls).hasValue(1);
        assertThat(finishCalls).hasValue(1);
        FlowRunInfo info = handle.get(id).orElseThrow();
        assertThat(info.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(info.suspensionName()).isNull();
        assertThat(info.steps())
                .extracting(FlowRunInfo.StepInfo::position, FlowRunInfo.StepInfo::label, FlowRunInfo.StepInfo::kind)
                .containsExactly(
                        tuple(0, "prepare", "step"), tuple(1, "manager", "signal"), tuple(2, "finish", "step"));
        assertThat(h.output(id)).isEqualTo("prepared:expense-1/ann/true");
    }

    @Test
    void signalPayloadIsConvertedToTheSuspensionType() {
        String id = suspendedRun();

        FlowResult<String> result = handle.signal(id, "manager", Map.of("approver", "bob", "approved", false));

        assertThat(result).isEqualTo(new FlowResult.Completed<>(id, "prepared:expense-1/bob/false"));
    }

    @Test
    void invalidPayloadIsRefusedAndTheRunStaysSuspended() {
        String id = suspendedRun();

        InvalidInputException e = catchThrowableOfType(
                InvalidInputException.class, () -> handle.signal(id, "manager", new Approval("  ", true)));

        assertThat(e.messageId()).isEqualTo("CRUX0026E");
        assertThat(e.flowId()).contains(id);
        assertThat(e.violations())
                .extracting(InvalidInputException.Violation::field)
                .containsExactly("approver");
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(handle.get(id).orElseThrow().steps()).hasSize(1);
        assertThat(finishCalls).hasValue(0);

        assertThat(handle.signal(id, "manager", new Approval("ann", true))).isInstanceOf(FlowResult.Completed.class);
        assertThat(prepareCalls).hasValue(1);
    }

    @Test
    void payloadThatCannotBeConvertedIsInvalidInput() {
        String id = suspendedRun();

        InvalidInputException e =
                catchThrowableOfType(InvalidInputException.class, () -> handle.signal(id, "manager", "{not json"));

        assertThat(e.violations())
                .singleElement()
                .satisfies(v -> assertThat(v.field()).isEmpty());
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
    }

    @Test
    void signalToACompletedRunIsAStateError() {
        String id = suspendedRun();
        handle.signal(id, "manager", new Approval("ann", true));

        FlowStateException e = catchThrowableOfType(
                FlowStateException.class, () -> handle.signal(id, "manager", new Approval("ann", true)));

        assertThat(e.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(e.messageId()).isEqualTo("CRUX0021E");
        assertThat(finishCalls).hasValue(1);
    }

    @Test
    void signalWithTheWrongNameIsAStateError() {
        String id = suspendedRun();

        FlowStateException e = catchThrowableOfType(
                FlowStateException.class, () -> handle.signal(id, "director", new Approval("ann", true)));

        assertThat(e.status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(e.messageId()).isEqualTo("CRUX0025E");
        assertThat(e).hasMessageContaining("'manager'").hasMessageContaining("'director'");
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
    }

    @Test
    void signalAfterTheExpiryEndsTheRunAsExpired() {
        Instant suspendedAt = h.clock.instant();
        String id = suspendedRun();
        h.clock.advance(EXPIRY);

        FlowResult<String> result = handle.signal(id, "manager", new Approval("ann", true));

        assertThat(result).isEqualTo(new FlowResult.Expired<>(id, suspendedAt));
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.EXPIRED);
        assertThat(finishCalls).hasValue(0);
        assertThat(catchThrowableOfType(
                                FlowStateException.class, () -> handle.signal(id, "manager", new Approval("ann", true)))
                        .status())
                .isEqualTo(FlowStatus.EXPIRED);
    }

    @Test
    void signalJustBeforeTheExpiryIsAccepted() {
        String id = suspendedRun();
        h.clock.advance(EXPIRY.minusMillis(1));

        assertThat(handle.signal(id, "manager", new Approval("ann", true))).isInstanceOf(FlowResult.Completed.class);
    }

    @Test
    void resumeWithoutASignalSuspendsAgain() {
        String id = suspendedRun();

        FlowResult<String> result = handle.resume(id);

        assertThat(result).isInstanceOf(FlowResult.Suspended.class);
        assertThat(((FlowResult.Suspended<String>) result).name()).isEqualTo("manager");
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);
        assertThat(prepareCalls).hasValue(1);
    }
}
