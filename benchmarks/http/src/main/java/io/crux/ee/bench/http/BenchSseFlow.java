package io.crux.ee.bench.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;

/**
 * The SSE benchmark's flow: {@code burst} emits {@code events} status items of 100 characters of
 * text, {@code perStep} per step. Items emitted inside a step are stored with their events in one
 * transaction when the step ends, then published to the streams open on this server.
 */
@ApplicationScoped
@FlowDefinition("bench-sse")
public class BenchSseFlow {

    @Action("burst")
    public int burst(FlowScope<Burst> flow) {
        int events = flow.input().events();
        int perStep = Math.max(1, flow.input().perStep());
        for (int from = 0; from < events; from += perStep) {
            int start = from;
            int end = Math.min(events, from + perStep);
            flow.step("burst", () -> {
                for (int i = start; i < end; i++) {
                    flow.emit(BenchPayloads.item(i));
                }
                return end;
            });
        }
        return events;
    }
}
