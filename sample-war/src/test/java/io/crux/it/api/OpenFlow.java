package io.crux.it.api;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;

/** A flow that anyone may start, so its runs have no user: over the runs API only the operator reaches them. */
@ApplicationScoped
@FlowDefinition("it-open")
public class OpenFlow {

    @Action("approve")
    public String approve(FlowScope<Map<String, Object>> flow) {
        return flow.suspend("manager-approval", String.class, Duration.ofMinutes(10));
    }
}
