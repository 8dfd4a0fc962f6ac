package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Signal;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.service.FlowKind;

/** Signals a flow declares with {@link Signal}: published with the flow, and held to their payload type. */
class DeclaredSignalsTest {

    public record Approval(String approver, boolean approved) {}

    @Signal(value = "manager", type = Approval.class)
    @Signal(value = "finance", type = String.class)
    static final class Declaring {}

    @Signal(value = "manager", type = Approval.class)
    @Signal(value = "manager", type = String.class)
    static final class Twice {}

    @Signal(value = "manager", type = boolean.class)
    static final class Primitive {}

    @Signal(value = "approvals/manager", type = Approval.class)
    static final class Slashed {}

    private final EngineHarness h = EngineHarness.direct();

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    private static FlowModel flow(Class<?> definition, Class<?> suspendWith) {
        return new FlowModel(
                "claims", true, definition, Map.of("run", new ActionModel("run", String.class, String.class, scope -> {
                    Object payload = scope.suspend("manager", suspendWith);
                    return String.valueOf(payload);
                })));
    }

    @Test
    void theFlowsKindListsItsDeclaredSignalsWithTheirPayloadTypes() {
        h.register(flow(Declaring.class, Approval.class));

        FlowKind kind = new EngineFlowService(h.engine).flow("claims").orElseThrow();

        assertThat(kind.signals())
                .containsExactly(Map.entry("manager", Approval.class), Map.entry("finance", String.class));
    }

    @Test
    void aRunSuspendsForADeclaredSignalWithItsType() {
        FlowResult<Object> result =
                h.register(flow(Declaring.class, Approval.class)).run("claim-1");

        assertThat(result).isInstanceOf(FlowResult.Suspended.class);
    }

    @Test
    void aRunThatSuspendsForADeclaredSignalWithAnotherTypeFailsWithTheMessageId() {
        FlowHandle<Object, Object> handle = h.register(flow(Declaring.class, String.class));

        assertThatThrownBy(() -> handle.run("claim-1"))
                .hasMessageContaining("CRUX0015E")
                .hasMessageContaining(Approval.class.getName());
        assertThat(handle.list(FlowStatus.FAILED)).hasSize(1);
        assertThat(handle.list(FlowStatus.SUSPENDED)).isEmpty();
    }

    @Test
    void aSignalDeclaredTwiceIsRefusedWhenTheFlowIsRegistered() {
        assertThatThrownBy(() -> h.register(flow(Twice.class, Approval.class)))
                .isInstanceOf(FlowDefinitionException.class)
                .hasMessageContaining("CRUX0014E");
    }

    @Test
    void aPrimitiveTypeOrASlashInTheNameIsRefusedWhenTheFlowIsRegistered() {
        assertThatThrownBy(() -> h.register(flow(Primitive.class, Boolean.class)))
                .hasMessageContaining("CRUX0014E")
                .hasMessageContaining("primitive");
        assertThatThrownBy(() -> h.register(flow(Slashed.class, Approval.class)))
                .hasMessageContaining("CRUX0014E")
                .hasMessageContaining("'/'");
    }
}
