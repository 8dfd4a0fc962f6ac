package io.crux.ee.api;

/**
 * A flow with a single action, {@code run}. Implement it on a {@link FlowDefinition} bean when the
 * flow needs no named actions.
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
