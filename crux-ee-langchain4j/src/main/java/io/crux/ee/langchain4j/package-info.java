/**
 * Generators and what they need, on LangChain4j: {@link io.crux.ee.langchain4j.Generator} (a block
 * that calls a chat model, runs its tool calls and returns text or a validated record),
 * {@link io.crux.ee.langchain4j.ToolBox}, structured output, the models built from MicroProfile
 * Config, and {@link io.crux.ee.langchain4j.ScriptedModel}, a model that answers from a script. A
 * generator finds its models through {@code ctx.service(ModelRegistry.class)}.
 *
 * <p>For evaluations and CI, two more pieces work through the same registry:
 * <ul>
 *   <li>{@link io.crux.ee.langchain4j.Cassette}: model calls recorded once against a real model into
 *       a JSON file under test resources and replayed deterministically; a request without a
 *       recording fails with {@link io.crux.ee.langchain4j.CassetteMismatchError}
 *       ({@code CRUX0310E}) showing where it departs from the closest recording. The mode
 *       ({@code REPLAY}, {@code RECORD}, {@code RECORD_MISSING}) comes from
 *       {@code -Dcrux.cassette.mode} or {@code CRUX_CASSETTE_MODE}, or is fixed in code;
 *       {@link io.crux.ee.langchain4j.Cassette#registry(io.crux.ee.langchain4j.spi.ModelRegistry)}
 *       wraps a registry so that a flow's generators use cassette models by their usual names.</li>
 *   <li>{@link io.crux.ee.langchain4j.Judge}: an LLM as judge that grades an output against a rubric
 *       and returns a {@link io.crux.ee.langchain4j.Judge.Verdict} (score 0..1, pass, reason),
 *       asking for JSON and repairing unusable replies as structured generators do
 *       ({@code CRUX0315E} when none is usable).</li>
 * </ul>
 */
package io.crux.ee.langchain4j;
