package io.crux.it.life;

import java.util.concurrent.CountDownLatch;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/** Four steps; the third hangs the first time it runs, so the test can kill the server in the middle of the run. */
@ApplicationScoped
@FlowDefinition("it-crash")
public class CrashFlow implements FlowHandler<String, String> {

    private final CountDownLatch never = new CountDownLatch(1);

    @Inject
    SideEffects effects;

    @Override
    public String run(FlowScope<String> flow) {
        String id = flow.flowId();
        flow.step("one", () -> effects.record(id, "one"));
        flow.step("two", () -> effects.record(id, "two"));
        flow.step("three", () -> {
            if (effects.record(id, "three") == 1) {
                never.await(); // the server dies here
            }
            return 3;
        });
        flow.step("four", () -> effects.record(id, "four"));
        return "done " + flow.input();
    }
}
