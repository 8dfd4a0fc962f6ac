package io.crux.ee.langchain4j;

import java.util.List;

import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

import io.crux.ee.langchain4j.Generator.Conversation;
import io.crux.ee.langchain4j.Generator.Prompt;

/**
 * What a {@link Generator} is set up with, apart from its name and step options: the model, the
 * messages, tools, output type, guardrails and request parameters; a {@link Generation} reads it.
 * Checks its bounds, and copies through {@code withX}.
 *
 * @param model the model's name in the registry
 * @param system renders the system message, or {@code null}
 * @param prompt renders the user message, or {@code null} when the conversation is set
 * @param conversation builds the messages, or {@code null} when the prompt is set
 * @param streaming whether the streaming model is called
 * @param toolBox the tools offered to the model
 * @param maxToolRounds how many replies that ask for tools are answered
 * @param outputType {@code String} or the type of the structured output
 * @param structured reads and checks the structured output, or {@code null} for text
 * @param maxRepairs how many times an invalid structured reply is sent back
 * @param inputGuardrails checks of the last user message
 * @param outputGuardrails checks of the final reply
 * @param parameters request parameters over the model's defaults, or {@code null}
 * @param history the session's items sent before the prompt, or {@code null} for none
 * @param <I> the generator's input type
 * @param <O> the generator's output type
 */
record GeneratorSettings<I, O>(
        String model,
        Prompt<? super I> system,
        Prompt<? super I> prompt,
        Conversation<? super I> conversation,
        boolean streaming,
        ToolBox toolBox,
        int maxToolRounds,
        Class<O> outputType,
        StructuredOutput<O> structured,
        int maxRepairs,
        List<InputGuardrail> inputGuardrails,
        List<OutputGuardrail> outputGuardrails,
        ChatRequestParameters parameters,
        History history) {

    GeneratorSettings {
        if (maxToolRounds < 1) {
            throw new IllegalArgumentException("maxToolRounds must be at least 1: " + maxToolRounds);
        }
        if (maxRepairs < 0) {
            throw new IllegalArgumentException("maxRepairs must not be negative: " + maxRepairs);
        }
    }

    /** The settings of {@link Generator#named(String)}. */
    static <I> GeneratorSettings<I, String> defaults() {
        return new GeneratorSettings<>(
                Generator.DEFAULT_MODEL,
                null,
                null,
                null,
                false,
                ToolBox.NONE,
                Generator.DEFAULT_MAX_TOOL_ROUNDS,
                String.class,
                null,
                Generator.DEFAULT_MAX_REPAIRS,
                List.of(),
                List.of(),
                null,
                null);
    }

    GeneratorSettings<I, O> withModel(String model) {
        Copy<I, O> c = new Copy<>(this);
        c.model = model;
        return c.build();
    }

    GeneratorSettings<I, O> withSystem(Prompt<? super I> system) {
        Copy<I, O> c = new Copy<>(this);
        c.system = system;
        return c.build();
    }

    /** One of prompt and conversation is set, the other {@code null}. */
    GeneratorSettings<I, O> withMessages(Prompt<? super I> prompt, Conversation<? super I> conversation) {
        Copy<I, O> c = new Copy<>(this);
        c.prompt = prompt;
        c.conversation = conversation;
        return c.build();
    }

    GeneratorSettings<I, O> withStreaming(boolean streaming) {
        Copy<I, O> c = new Copy<>(this);
        c.streaming = streaming;
        return c.build();
    }

    GeneratorSettings<I, O> withTools(ToolBox toolBox) {
        Copy<I, O> c = new Copy<>(this);
        c.toolBox = toolBox;
        return c.build();
    }

    GeneratorSettings<I, O> withBounds(int maxToolRounds, int maxRepairs) {
        Copy<I, O> c = new Copy<>(this);
        c.maxToolRounds = maxToolRounds;
        c.maxRepairs = maxRepairs;
        return c.build();
    }

    /** A new output type: the one copy that names every field, since the copy's type changes. */
    <R> GeneratorSettings<I, R> withOutput(Class<R> outputType, StructuredOutput<R> structured) {
        return new GeneratorSettings<>(
                model,
                system,
                prompt,
                conversation,
                streaming,
                toolBox,
                maxToolRounds,
                outputType,
                structured,
                maxRepairs,
                inputGuardrails,
                outputGuardrails,
                parameters,
                history);
    }

    GeneratorSettings<I, O> withHistory(History history) {
        Copy<I, O> c = new Copy<>(this);
        c.history = history;
        return c.build();
    }

    GeneratorSettings<I, O> withGuardrails(
            List<InputGuardrail> inputGuardrails, List<OutputGuardrail> outputGuardrails) {
        Copy<I, O> c = new Copy<>(this);
        c.inputGuardrails = inputGuardrails;
        c.outputGuardrails = outputGuardrails;
        return c.build();
    }

    GeneratorSettings<I, O> withParameters(ChatRequestParameters parameters) {
        Copy<I, O> c = new Copy<>(this);
        c.parameters = parameters;
        return c.build();
    }

    /** The settings being copied, so that each {@code withX} sets only what it changes; the record checks them again. */
    private static final class Copy<I, O> {
        String model;
        Prompt<? super I> system;
        Prompt<? super I> prompt;
        Conversation<? super I> conversation;
        boolean streaming;
        ToolBox toolBox;
        int maxToolRounds;
        final Class<O> outputType;
        final StructuredOutput<O> structured;
        int maxRepairs;
        List<InputGuardrail> inputGuardrails;
        List<OutputGuardrail> outputGuardrails;
        ChatRequestParameters parameters;
        History history;

        Copy(GeneratorSettings<I, O> s) {
            model = s.model;
            system = s.system;
            prompt = s.prompt;
            conversation = s.conversation;
            streaming = s.streaming;
            toolBox = s.toolBox;
            maxToolRounds = s.maxToolRounds;
            outputType = s.outputType;
            structured = s.structured;
            maxRepairs = s.maxRepairs;
            inputGuardrails = s.inputGuardrails;
            outputGuardrails = s.outputGuardrails;
            parameters = s.parameters;
            history = s.history;
        }

        GeneratorSettings<I, O> build() {
            return new GeneratorSettings<>(
                    model,
                    system,
                    prompt,
                    conversation,
                    streaming,
                    toolBox,
                    maxToolRounds,
                    outputType,
                    structured,
                    maxRepairs,
                    inputGuardrails,
                    outputGuardrails,
                    parameters,
                    history);
        }
    }
}
