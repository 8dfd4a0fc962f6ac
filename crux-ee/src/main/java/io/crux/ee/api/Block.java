package io.crux.ee.api;

/**
 * A named unit of a flow's work. There are four kinds, and any block composes with any other:
 * <ul>
 *   <li>a <b>handler</b> runs plain logic on its input and the run's state, and is silent unless it
 *       emits;</li>
 *   <li>a <b>generator</b> calls a LangChain4j chat model;</li>
 *   <li>a <b>sequencer</b> chains, branches, repeats and parallelizes other blocks;</li>
 *   <li>a <b>router</b> chooses the block to run, and its choice is recorded.</li>
 * </ul>
 *
 * <p>Inside a flow every block execution is durable and keyed by its logical path, for example
 * {@code research/plan} or {@code research/sources[2]/summarize}: a <em>leaf</em> block (handler,
 * generator) runs as one step labelled with its path, so a resumed or recovered run returns the
 * recorded output instead of running it again; a <em>composite</em> block (sequencer, router)
 * is not a step itself and runs its children through {@link BlockContext#run(Block, Object)}.
 * Blocks are immutable and may be shared between flows and threads.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public interface Block<I, O> {

    /** @return the block's name, the last segment of its path; siblings have distinct names */
    String name();

    /**
     * Does the block's work. The runtime calls it; application code runs a block through
     * {@link BlockContext#run(Block, Object)} or by returning it from an {@code @Action} method.
     *
     * @param input the input
     * @param ctx the run, the block's path and the models
     * @return the output, JSON-B serializable when the block is a leaf
     * @throws Exception a failure, retried and sent to a fallback as the block's options say
     */
    O execute(I input, BlockContext ctx) throws Exception;

    /**
     * @return the retry, fallback and timeout settings of this block, or {@code null} to take
     *     those of the enclosing sequencer (and the engine's defaults at the top)
     */
    default StepOptions<O> options() {
        return null;
    }

    /**
     * @return {@code true} if the runtime runs {@link #execute} inside one durable step (handlers,
     *     generators); {@code false} for composites, whose children are the steps
     */
    default boolean isLeaf() {
        return true;
    }
}
