package io.crux.it.events;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;

/** A flow whose runs suspend and complete, fail in a step, or get cancelled, for the lifecycle events. */
@ApplicationScoped
@FlowDefinition("it-events")
public class EventFlows {

    /** Waits for the signal "go", then completes with the answer. */
    @Action("approve")
    public String approve(FlowScope<String> flow) {
        String answer = flow.suspend("go", String.class);
        return flow.input() + ":" + answer;
    }

    /** A step that fails twice and has no fallback: the run fails. */
    @Action("fail")
    public String fail(FlowScope<String> flow) {
        return flow.step(
                "charge",
                () -> {
                    throw new IllegalStateException("card declined for " + flow.input());
                },
                StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR));
    }
}
