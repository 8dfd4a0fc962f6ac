package io.crux.it.definition;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;

/** An action that does not take a FlowScope: the deployment must fail. */
@ApplicationScoped
@FlowDefinition("bad-signature")
public class BadSignatureFlow {
    @Action("go")
    public String go(String input, int extra) {
        return input + extra;
    }
}
