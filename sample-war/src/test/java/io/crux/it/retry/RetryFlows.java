package io.crux.it.retry;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.it.support.Calls;

/** Steps that fail on cue, to show retry, fallback and policy-terminal errors inside the server. */
@ApplicationScoped
@FlowDefinition("it-retry")
public class RetryFlows {

    @Inject
    Calls calls;

    /** Fails twice, then answers; the step before it must not run again while the body replays. */
    @Action("flaky")
    public String flaky(FlowScope<String> flow) {
        String prefix = flow.step("prefix", () -> {
            calls.hit("prefix");
            return "hello ";
        });
        return flow.step(
                "call",
                () -> {
                    int n = calls.hit("flaky");
                    if (n <= 2) {
                        throw new IllegalStateException("transient failure " + n);
                    }
                    return prefix + flow.input();
                },
                StepOptions.<String>retry(3, Duration.ofMillis(20), Backoff.EXPONENTIAL));
    }

    /** Always fails; the fallback answers once attempts run out. */
    @Action("down")
    public String down(FlowScope<String> flow) {
        return flow.step(
                "call",
                () -> {
                    calls.hit("down");
                    throw new IllegalStateException("service down");
                },
                StepOptions.<String>retry(3, Duration.ofMillis(10), Backoff.LINEAR)
                        .withFallback(failure -> {
                            calls.hit("fallback");
                            return "fallback: " + failure.getMessage();
                        }));
    }

    /** A guardrail refuses: neither retried nor sent to the fallback. */
    @Action("blocked")
    public String blocked(FlowScope<String> flow) {
        return flow.step(
                "call",
                () -> {
                    calls.hit("blocked");
                    throw new GuardrailBlockedException("input refused by policy");
                },
                StepOptions.<String>retry(5, Duration.ofMillis(10), Backoff.LINEAR)
                        .withFallback(failure -> {
                            calls.hit("fallback");
                            return "must not happen";
                        }));
    }
}
