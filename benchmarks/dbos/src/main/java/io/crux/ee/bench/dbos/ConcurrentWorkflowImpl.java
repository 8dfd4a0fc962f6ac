package io.crux.ee.bench.dbos;

import dev.dbos.transact.DBOS;
import dev.dbos.transact.workflow.Workflow;

import io.crux.ee.bench.server.BenchPayload;
import io.crux.ee.bench.server.Latencies;

/**
 * The DBOS form of the in-server benchmark's {@code ConcurrentFlow}: each step returns the same ~200 byte
 * {@link BenchPayload} (DBOS checkpoints it), and the time of each step, measured in the workflow from
 * just before the step to just after it, goes to {@link #LATENCIES}.
 */
public final class ConcurrentWorkflowImpl implements ConcurrentWorkflow {

    /** The step latencies of the runs of this workflow, in ns. */
    static final Latencies LATENCIES = new Latencies();

    private final DBOS dbos;

    /** @param dbos the instance that runs the steps */
    public ConcurrentWorkflowImpl(DBOS dbos) {
        this.dbos = dbos;
    }

    @Override
    @Workflow(name = "bench-concurrent")
    public Integer run(Integer steps) {
        String id = DBOS.workflowId();
        long[] ns = new long[steps];
        long before = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            int step = i;
            dbos.runStep(() -> BenchPayload.of(id, step), "step");
            long after = System.nanoTime();
            ns[i] = after - before;
            before = after;
        }
        LATENCIES.add(ns, steps);
        return steps;
    }
}
