package io.crux.it.life;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowScope;

/** A run whose step runs a child flow: spans must nest parent run, step, child run, child steps. */
@ApplicationScoped
@FlowDefinition("it-parent")
public class ParentFlow implements FlowHandler<String, String> {

    @Inject
    @Flow("it-child")
    FlowHandle<String, String> child;

    @Override
    public String run(FlowScope<String> flow) {
        String prepared = flow.step("prepare", () -> flow.input().trim());
        return flow.step("call-child", () -> {
            FlowResult<String> result = child.run(prepared);
            return result.flowId() + "|" + ((FlowResult.Completed<String>) result).output();
        });
    }
}
