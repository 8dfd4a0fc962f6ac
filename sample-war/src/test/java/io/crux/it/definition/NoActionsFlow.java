package io.crux.it.definition;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;

/** A definition without any action: the deployment must fail. */
@ApplicationScoped
@FlowDefinition("no-actions")
public class NoActionsFlow {
    public String notAnAction(FlowScope<String> flow) {
        return flow.input();
    }
}
