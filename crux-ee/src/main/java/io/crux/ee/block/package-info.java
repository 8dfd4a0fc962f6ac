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
 *
 * <p>Agent patterns are blocks too: a {@link io.crux.ee.block.Consensus} lets voters answer and
 * records the tally, a {@link io.crux.ee.block.Swarm} lets a chooser (or a handoff) pick the next of
 * its named agents and records each pick, and a {@link io.crux.ee.block.Blackboard} lets agents share
 * a versioned {@link io.crux.ee.block.Board} whose writes are recorded with the steps that made them.
 */
package io.crux.ee.block;
