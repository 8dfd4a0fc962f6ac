package io.crux.ee.bench.server;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;

/**
 * The concurrent benchmark's flow: its input is the number of steps; each step returns the same
 * ~200 byte {@link BenchPayload} as {@link BenchFlow}'s. It records how long each step took, measured
 * in the body from just before the step to just after it (the engine's work, the checkpoint's insert
 * and commit), in {@link #LATENCIES}. It is a flow of its own so that {@link DurableStepBenchmark}'s
 * meter does not see its runs.
 */
@ApplicationScoped
@FlowDefinition("bench-concurrent")
public class ConcurrentFlow implements FlowHandler<Integer, Integer> {

    /** The step latencies of the runs of this flow, in ns. */
    static final Latencies LATENCIES = new Latencies();

    @Override
    public Integer run(FlowScope<Integer> flow) {
        int steps = flow.input();
        String id = flow.flowId();
        long[] ns = new long[steps];
        long before = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            int step = i;
            flow.step(BenchFlow.LABEL, () -> BenchPayload.of(id, step));
            long after = System.nanoTime();
            ns[i] = after - before;
            before = after;
        }
        LATENCIES.add(ns, steps);
        return steps;
    }
}
