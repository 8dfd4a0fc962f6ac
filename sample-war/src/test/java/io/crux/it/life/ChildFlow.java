package io.crux.it.life;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.StepOptions;

/** A child flow whose only step fails once and succeeds on the second attempt. */
@ApplicationScoped
@FlowDefinition("it-child")
public class ChildFlow implements FlowHandler<String, String> {

    private final Map<String, Boolean> failedOnce = new ConcurrentHashMap<>();

    @Override
    public String run(FlowScope<String> flow) {
        return flow.step(
                "flaky",
                () -> {
                    if (failedOnce.putIfAbsent(flow.flowId(), true) == null) {
                        throw new IllegalStateException("first attempt fails");
                    }
                    return flow.input().toUpperCase(java.util.Locale.ROOT);
                },
                StepOptions.<String>retry(2, Duration.ofMillis(10), Backoff.LINEAR));
    }
}
