/**
 * Blocks: composable units of a flow's work. A {@link io.crux.ee.block.Handler} runs plain logic, a
 * generator calls a chat model, a {@link io.crux.ee.block.Sequencer} chains, branches, repeats and
 * parallelizes other blocks, and a {@link io.crux.ee.block.Router} chooses the block to run and
 * records its choice. An {@code @Action} method may return a block instead of taking a
 * {@code FlowScope}:
 *
 * <pre>{@code
 * @Action("chat")
 * public Block<Question, Answer> chat() {
 *     return Sequencer.<Question>named("chat").then(plan).then(route).then(answer).build();
 * }
 * }</pre>
 *
 * <p>Inside a flow every leaf block execution is a durable step labelled with its logical path
 * ({@code chat/plan}, {@code chat/sources[2]/summarize}, {@code chat/research[web]/search}), so a
 * resumed or recovered run replays finished blocks from their checkpoints.
 */
package io.crux.ee.block;
