package io.crux.ee.bench.server;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/**
 * {@link BenchFlow} with {@code durable = false}: the same steps through the same engine, tracer
 * and managed executor, without any database access. Used by {@code /bench/parts} to separate the
 * engine's in-server cost from the store's.
 */
@ApplicationScoped
@FlowDefinition(value = "bench-transient", durable = false)
public class BenchTransientFlow implements FlowHandler<Integer, Integer> {

    @Override
    public Integer run(FlowScope<Integer> flow) {
        int steps = flow.input();
        String id = flow.flowId();
        long wall = System.nanoTime();
        long cpu = Meter.cpuNow();
        for (int i = 0; i < steps; i++) {
            int step = i;
            flow.step(BenchFlow.LABEL, () -> BenchPayload.of(id, step));
        }
        if (steps > 0) {
            // the steps alone, measured on the thread that runs them: no run row writes, no hand-off
            BenchFlow.TRANSIENT_METER.add(System.nanoTime() - wall, Meter.cpuNow() - cpu, steps);
        }
        return steps;
    }
}
