package io.crux.ee.api;

/**
 * A flow with a single action, {@code run}. Implement it on a {@link FlowDefinition} bean when the
 * flow needs no named actions.
 *
 * <p>Runs of one flow execute at the same time on the container's managed executor threads, and
 * the one instance of an {@code @ApplicationScoped} definition serves them all: keep per-run state
 * in the {@link FlowScope} and its steps, not in fields.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@FunctionalInterface
public interface FlowHandler<I, O> {

    /** The name of the single action of a handler flow. */
    String RUN = "run";

    /**
     * Runs the flow body. The body may be invoked more than once for one run (after a retry delay,
     * a suspension or a crash); completed steps then return their recorded output, so everything
     * outside steps must be deterministic.
     *
     * @param flow the scope of the current run
     * @return the flow's output
     * @throws Exception any failure; it ends the run as failed
     */
    O run(FlowScope<I> flow) throws Exception;
}
