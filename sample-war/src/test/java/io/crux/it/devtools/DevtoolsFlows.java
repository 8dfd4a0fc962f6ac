package io.crux.it.devtools;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.it.support.Calls;

/** A flow whose step fails twice before it answers, then waits for an approval; and one that fails for good. */
@ApplicationScoped
@FlowDefinition("it-devtools")
public class DevtoolsFlows {

    /** What the approver signals: the devtools show its JSON Schema. */
    public record Approval(boolean approved, String comment) {}

    @Inject
    Calls calls;

    /** check fails with a plain exception, then with one that carries a message id, then answers. */
    @Action("expense")
    public String expense(FlowScope<String> flow) {
        String checked = flow.step(
                "check",
                () -> {
                    int n = calls.hit("check " + flow.flowId());
                    if (n == 1) {
                        throw new IllegalStateException("ledger busy");
                    }
                    if (n == 2) {
                        throw new FlowStateException(
                                Messages.noScope(flow.flowId(), "ledger"), flow.flowId(), FlowStatus.RUNNING);
                    }
                    return "checked " + flow.input();
                },
                StepOptions.<String>retry(3, Duration.ofMillis(10), Backoff.LINEAR));
        Approval approval = flow.suspend("approve", Approval.class, Duration.ofMinutes(10));
        return checked + (approval.approved() ? " approved" : " refused");
    }

    /** call fails on both attempts: the run fails, and its failure keeps the attempts. */
    @Action("broken")
    public String broken(FlowScope<String> flow) {
        return flow.step(
                "call",
                () -> {
                    throw new FlowStateException(
                            Messages.noScope(flow.flowId(), "ledger"), flow.flowId(), FlowStatus.RUNNING);
                },
                StepOptions.<String>retry(2, Duration.ofMillis(10), Backoff.LINEAR));
    }
}
