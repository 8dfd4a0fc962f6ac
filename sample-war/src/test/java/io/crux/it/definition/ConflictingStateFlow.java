package io.crux.it.definition;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;

/** The flow and its action declare one session key with two types: the deployment must fail. */
@ApplicationScoped
@FlowDefinition("conflicting-state")
@ScopeState(scope = Scope.SESSION, type = ConflictingStateFlow.Ticket.class)
public class ConflictingStateFlow {

    /** The flow's session state. */
    public record Ticket(String priority, int replies) {}

    /** The action's part: {@code priority} as a number. */
    public record Triage(int priority) {}

    @Action("triage")
    @ScopeState(scope = Scope.SESSION, type = Triage.class)
    public String triage(FlowScope<String> flow) {
        return flow.input();
    }
}
