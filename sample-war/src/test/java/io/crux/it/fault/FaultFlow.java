package io.crux.it.fault;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;

/**
 * The flows the fault tests break. Every step body writes a ledger row and emits an item naming
 * the server that ran it, and returns that name, so the database shows who wrote what.
 */
@ApplicationScoped
@FlowDefinition("it-fault")
public class FaultFlow {

    static final String NODE = ConfigProvider.getConfig()
            .getOptionalValue("crux.node-id", String.class)
            .orElse("default");

    @Inject
    Ledger ledger;

    @Inject
    Gates gates;

    /** Steps {@code s1 … s<count>}; the step {@code gateAt} waits at the run's gate the first time it runs. */
    @Action("steps")
    public String steps(FlowScope<Steps> flow) {
        String last = null;
        for (int i = 1; i <= flow.input().count(); i++) {
            String label = "s" + i;
            boolean gated = i == flow.input().gateAt();
            last = flow.step(label, () -> body(flow, label, gated));
        }
        return last;
    }

    /** A step that waits at the run's gate the first time it runs, a suspension named {@code go} that takes a string, and a step. */
    @Action("approval")
    public String approval(FlowScope<Approval> flow) {
        flow.step("before", () -> body(flow, "before", true));
        String answer = flow.suspend("go", String.class, Duration.ofMinutes(10));
        flow.step("after", () -> body(flow, "after", false));
        return answer;
    }

    private String body(FlowScope<?> flow, String label, boolean gated) {
        String id = flow.flowId();
        if (ledger.record(id, label, NODE) == 1 && gated) {
            gates.await(id);
            ledger.record(id, label + ":released", NODE);
        }
        flow.emit(Item.status(label + " on " + NODE));
        return label + "@" + NODE;
    }
}
