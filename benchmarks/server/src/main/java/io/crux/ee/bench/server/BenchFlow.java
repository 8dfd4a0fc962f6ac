package io.crux.ee.bench.server;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/**
 * The benchmark flow: its input is the number of steps; each step returns a ~200 byte
 * {@link BenchPayload}, which the engine checkpoints (one INSERT and one commit per step).
 */
@ApplicationScoped
@FlowDefinition("bench-durable")
public class BenchFlow implements FlowHandler<Integer, Integer> {

    static final String LABEL = "payload";

    /** Time spent in the steps of runs of this flow (the body, from before the first step to after the last). */
    static final Meter METER = new Meter();

    /** The same for {@link BenchTransientFlow}. */
    static final Meter TRANSIENT_METER = new Meter();

    @Override
    public Integer run(FlowScope<Integer> flow) {
        int steps = flow.input();
        String id = flow.flowId();
        long wall = System.nanoTime();
        long cpu = Meter.cpuNow();
        for (int i = 0; i < steps; i++) {
            int step = i;
            flow.step(LABEL, () -> BenchPayload.of(id, step));
        }
        if (steps > 0) {
            // the steps alone, measured on the thread that runs them: no run row writes, no hand-off
            METER.add(System.nanoTime() - wall, Meter.cpuNow() - cpu, steps);
        }
        return steps;
    }
}
