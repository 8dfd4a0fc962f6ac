package io.crux.it.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/** Another flow, whose events only the observers without a qualifier receive. */
@ApplicationScoped
@FlowDefinition("it-events-other")
public class OtherFlow implements FlowHandler<String, String> {

    @Override
    public String run(FlowScope<String> flow) {
        return flow.input().toUpperCase(java.util.Locale.ROOT);
    }
}
