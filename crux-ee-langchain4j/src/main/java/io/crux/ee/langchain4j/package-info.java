/**
 * Generators and what they need, on LangChain4j: {@link io.crux.ee.langchain4j.Generator} (a block
 * that calls a chat model, runs its tool calls and returns text or a validated record),
 * {@link io.crux.ee.langchain4j.ToolBox}, structured output, the models built from MicroProfile
 * Config, and {@link io.crux.ee.langchain4j.ScriptedModel}, a model that answers from a script. A
 * generator finds its models through {@code ctx.service(ModelRegistry.class)}.
 */
package io.crux.ee.langchain4j;
