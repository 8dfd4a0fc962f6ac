package io.crux.it.definition;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/** One of two definitions that share a name: the deployment must fail. */
@ApplicationScoped
@FlowDefinition("twice")
public class TwiceA implements FlowHandler<String, String> {
    @Override
    public String run(FlowScope<String> flow) {
        return "TwiceA";
    }
}
