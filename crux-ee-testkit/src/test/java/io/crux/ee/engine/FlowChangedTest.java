package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.testkit.InlineExecutor;

/** A body that no longer matches the steps recorded for a stored run fails with FlowChangedException. */
class FlowChangedTest {

    private final AtomicInteger v2Calls = new AtomicInteger();

    private EngineHarness v1Engine;
    private String runId;

    @BeforeEach
    void recordASuspendedRunWithVersionOne() {
        v1Engine = EngineHarness.direct();
        FlowHandle<String, String> v1 = v1Engine.register(Flows.flow("doc", String.class, String.class, scope -> {
            String a = scope.step("a", () -> "A");
            String b = scope.step("b", () -> "B");
            String go = scope.suspend("go", String.class);
            return a + b + go;
        }));
        FlowResult<String> result = v1.run("x");
        assertThat(result).isInstanceOf(FlowResult.Suspended.class);
        runId = result.flowId();
    }

    @AfterEach
    void tearDown() throws Exception {
        v1Engine.close();
    }

    /** A new engine on the same store, as after a redeployment with changed code. */
    private FlowHandle<String, String> deploy(FlowModel changed) {
        return v1Engine.sibling("node-1", new InlineExecutor()).register(changed);
    }

    @Test
    void differentStepLabelAtARecordedPositionIsAFlowChange() {
        FlowHandle<String, String> v2 = deploy(Flows.flow("doc", String.class, String.class, scope -> {
            String a = scope.step("a", () -> "A" + v2Calls.incrementAndGet());
            String c = scope.step("c", () -> "C" + v2Calls.incrementAndGet());
            String go = scope.suspend("go", String.class);
            return a + c + go;
        }));

        FlowChangedException e = catchThrowableOfType(FlowChangedException.class, () -> v2.signal(runId, "go", "now"));

        assertThat(e).isNotNull();
        assertThat(e.position()).isEqualTo(1);
        assertThat(e.recordedLabel()).isEqualTo("b");
        assertThat(e.stepLabel()).contains("c");
        assertThat(e.flowId()).contains(runId);
        assertThat(e.messageId()).isEqualTo("CRUX0013E");
        assertThat(e.getMessage()).contains("CRUX0013E", "position 1", "step 'b'", "step 'c'");
        assertThat(v2Calls)
                .as("nothing of the changed body ran: a replayed, c refused")
                .hasValue(0);
        assertThat(v1Engine.record(runId).status()).isEqualTo(FlowStatus.FAILED);
        assertThat(v1Engine.record(runId).error()).startsWith("CRUX0013E");
    }

    @Test
    void suspensionWhereAStepWasRecordedIsAFlowChange() {
        FlowHandle<String, String> v2 = deploy(Flows.flow("doc", String.class, String.class, scope -> {
            String a = scope.step("a", () -> "A");
            String go = scope.suspend("b", String.class);
            return a + go;
        }));

        FlowChangedException e = catchThrowableOfType(FlowChangedException.class, () -> v2.signal(runId, "go", "now"));

        assertThat(e.position()).isEqualTo(1);
        assertThat(e.recordedLabel()).isEqualTo("b");
        assertThat(e.getMessage()).contains("recorded step 'b'", "asks for suspension 'b'");
    }

    @Test
    void unchangedBodyOnANewEngineCompletesTheRun() {
        FlowHandle<String, String> same = deploy(Flows.flow("doc", String.class, String.class, scope -> {
            String a = scope.step("a", () -> "a-again");
            String b = scope.step("b", () -> "b-again");
            String go = scope.suspend("go", String.class);
            return a + b + go;
        }));

        assertThat(same.signal(runId, "go", "!")).isEqualTo(new FlowResult.Completed<>(runId, "AB!"));
    }
}
