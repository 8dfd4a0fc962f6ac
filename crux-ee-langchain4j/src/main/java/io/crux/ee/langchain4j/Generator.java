package io.crux.ee.langchain4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.block.NamedBlock;
import io.crux.ee.catalog.Messages;

/**
 * A leaf block that calls a LangChain4j chat model: it renders a prompt from its input, calls the
 * model named in {@link #model(String)} (a {@link ChatModel}, or a {@link StreamingChatModel} with
 * {@link #streaming()}), runs the tool calls the model asks for, and returns the reply as text or,
 * with {@link #output(Class)}, as a validated record.
 *
 * <pre>{@code
 * Generator<Question, Answer> answer = Generator.<Question>named("answer")
 *         .model("default")
 *         .system("You answer questions about the user's orders.")
 *         .prompt((q, ctx) -> q.text())
 *         .streaming()
 *         .tools(orderTools)
 *         .output(Answer.class)
 *         .withOptions(StepOptions.retry(3, Duration.ofSeconds(1), Backoff.EXPONENTIAL));
 * }</pre>
 *
 * <p><b>Items.</b> The reply becomes a {@link Item.Type#MESSAGE} item of role {@code assistant}: with
 * {@link #streaming()} it is added when the first token arrives and every token goes out live as a
 * {@code content.delta} event; without it, the final text reply is emitted whole (a generator with
 * {@link #output(Class)} and no streaming emits no message: its record is the step's output). The
 * model's reasoning, when it returns any, becomes a {@link Item.Type#REASONING} item; each tool call
 * and its result become {@link Item.Type#TOOL_CALL} and {@link Item.Type#TOOL_OUTPUT} items. Reasoning, tool
 * calls and tool results are for the model by their types: stored, not streamed to the client, unless
 * the flow maps them otherwise ({@link io.crux.ee.api.ItemAudience}).
 *
 * <p><b>History.</b> {@link #history(History)} sends the session's stored items that the model may
 * see (client and model items) before the prompt, cut to a window by items or estimated tokens, so a
 * chat flow does not assemble its conversation by hand; see {@link History} for the mapping.
 *
 * <p><b>Tools.</b> {@link #tools(Object...)} offers the {@code @dev.langchain4j.agent.tool.Tool}
 * methods of the given objects (in an application, CDI beans the flow injects) to the model; they
 * are described and invoked by LangChain4j. A tool round is one model reply that asks for tools; after
 * {@link #maxToolRounds(int)} rounds the generator fails with {@link ToolRoundsExceededException}.
 * A tool's ordinary exception, unknown tool names and malformed arguments go back to the model as an
 * error result so it can correct itself; a policy-terminal exception ends the step.
 *
 * <p><b>Structured output.</b> With {@link #output(Class)} the model is asked for JSON (through a
 * JSON-schema response format when the model declares {@link Capability#RESPONSE_FORMAT_JSON_SCHEMA},
 * through format instructions in the system message otherwise); the reply is read with JSON-B and
 * checked with Bean Validation. An unreadable or invalid reply is sent back with the problem, up to
 * {@link #maxRepairs(int)} times, then the generator fails with the policy-terminal
 * {@link ValidationExhaustedException}.
 *
 * <p><b>Guardrails.</b> LangChain4j {@link InputGuardrail}s check (and may rewrite) the last user
 * message before the first model call; {@link OutputGuardrail}s check (and may rewrite) the final
 * reply. Any failure, including a guardrail's request to retry or reprompt, throws the
 * policy-terminal {@link GuardrailBlockedException}: the step is neither retried nor sent to a
 * fallback. With {@link #streaming()} the client has seen the tokens before the output guardrails run;
 * a blocked message is left incomplete.
 *
 * <p><b>Durability and retries.</b> Inside a flow a generator runs as one durable step labelled
 * with its path, so a resumed run does not call the model again. Model failures (HTTP 429, 5xx,
 * timeouts) are retried as {@link #withOptions(StepOptions)} says, each attempt a fresh generation.
 *
 * <p><b>Telemetry.</b> Each model call is a span {@code chat <model>} under the step's span, with
 * the OpenTelemetry GenAI attributes (provider, request and response model, token usage, finish
 * reason, error type); each tool call is a span {@code execute_tool <name>}.
 *
 * <p>Instances are immutable and thread-safe when the tool objects are; every builder method
 * returns a copy.
 *
 * @param <I> the input type
 * @param <O> the output type: {@code String}, or the type given to {@link #output(Class)}
 */
public final class Generator<I, O> extends NamedBlock<I, O> {

    /** The model name used when {@link #model(String)} is not called. */
    public static final String DEFAULT_MODEL = "default";

    /** The default bound of {@link #maxToolRounds(int)}. */
    public static final int DEFAULT_MAX_TOOL_ROUNDS = 10;

    /** The default bound of {@link #maxRepairs(int)}. */
    public static final int DEFAULT_MAX_REPAIRS = 2;

    /**
     * Renders text from the block's input.
     *
     * @param <I> the input type
     */
    @FunctionalInterface
    public interface Prompt<I> {
        /**
         * @param input the block's input
         * @param ctx the block's context: state, path, models
         * @return the text
         * @throws Exception a failure, which fails the step
         */
        String render(I input, BlockContext ctx) throws Exception;
    }

    /**
     * Builds the conversation sent to the model, for example the session's history followed by the
     * new question.
     *
     * @param <I> the input type
     */
    @FunctionalInterface
    public interface Conversation<I> {
        /**
         * @param input the block's input
         * @param ctx the block's context
         * @return the messages, in order
         * @throws Exception a failure, which fails the step
         */
        List<ChatMessage> messages(I input, BlockContext ctx) throws Exception;
    }

    private final GeneratorSettings<I, O> settings;

    private Generator(String name, GeneratorSettings<I, O> settings, StepOptions<O> options) {
        super("generator", name, options);
        this.settings = settings;
    }

    private Generator<I, O> with(GeneratorSettings<I, O> changed) {
        return new Generator<>(name(), changed, options());
    }

    /**
     * Starts a generator with text output, the model {@value #DEFAULT_MODEL}, no streaming, no tools,
     * at most {@value #DEFAULT_MAX_TOOL_ROUNDS} tool rounds and {@value #DEFAULT_MAX_REPAIRS} repairs.
     * Give the input type as a type witness: {@code Generator.<Question>named("answer")}.
     *
     * @param name the block's name, the last segment of its path
     * @param <I> the input type
     * @return the generator; it needs a {@link #prompt(Prompt)}, {@link #messages(Conversation)} or {@link #history()}
     * @throws IllegalArgumentException if the name is blank or holds {@code /}, {@code [}, {@code ]} or {@code #}
     */
    public static <I> Generator<I, String> named(String name) {
        return new Generator<>(name, GeneratorSettings.defaults(), null);
    }

    /**
     * As {@link #named(String)}, with the input type as an argument.
     *
     * @param name the block's name
     * @param inputType the input type
     * @param <I> the input type
     * @return the generator
     */
    public static <I> Generator<I, String> named(String name, Class<I> inputType) {
        Objects.requireNonNull(inputType, "inputType");
        return named(name);
    }

    /**
     * @param model the name of the model in the {@link io.crux.ee.langchain4j.spi.ModelRegistry}: a CDI bean
     *     qualified {@code @Named(model)}, a model configured under {@code crux.models.<model>.*}, or a
     *     scripted model in tests
     * @return a copy with the model
     */
    public Generator<I, O> model(String model) {
        Objects.requireNonNull(model, "model");
        return with(settings.withModel(model));
    }

    /**
     * @param text the system message
     * @return a copy with the fixed system message
     */
    public Generator<I, O> system(String text) {
        Objects.requireNonNull(text, "text");
        return system((input, ctx) -> text);
    }

    /**
     * @param system renders the system message from the input
     * @return a copy with the system message
     */
    public Generator<I, O> system(Prompt<? super I> system) {
        Objects.requireNonNull(system, "system");
        return with(settings.withSystem(system));
    }

    /**
     * Sets the user message. Replaces {@link #messages(Conversation)}.
     *
     * @param prompt renders the user message from the input
     * @return a copy with the prompt
     */
    public Generator<I, O> prompt(Prompt<? super I> prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return with(settings.withMessages(prompt, null));
    }

    /**
     * Sets the whole conversation, for example history plus the new question. The
     * {@link #system(String) system message}, when set, goes first. Replaces {@link #prompt(Prompt)}.
     *
     * @param conversation builds the messages from the input
     * @return a copy with the conversation
     */
    public Generator<I, O> messages(Conversation<? super I> conversation) {
        Objects.requireNonNull(conversation, "conversation");
        return with(settings.withMessages(null, conversation));
    }

    /**
     * Sends the session's stored items whose audience reaches the model (client and model items)
     * before the prompt: all of them. See {@link #history(History)}.
     *
     * @return a copy with the history
     */
    public Generator<I, O> history() {
        return history(History.all());
    }

    /**
     * Builds the conversation from the session's stored items: the {@link #system(String) system
     * message}, then the items the window keeps mapped to chat messages (see {@link History}), oldest
     * first, then the {@link #prompt(Prompt) prompt} or the {@link #messages(Conversation)
     * conversation}. With a history the prompt is optional: without one, the history is the whole
     * conversation (a flow that emitted the user's message has it last). A prompt whose text is that of
     * the history's last user message is not sent twice. The items are read inside the generator's
     * step, so a replay uses the recorded reply and reads nothing. A run without a session has no
     * history.
     *
     * @param history the window, such as {@code History.lastItems(20)} or {@code History.tokens(2000)}
     * @return a copy with the history
     */
    public Generator<I, O> history(History history) {
        Objects.requireNonNull(history, "history");
        return with(settings.withHistory(history));
    }

    /** @return a copy that calls the model's {@link StreamingChatModel} and streams tokens to the client */
    public Generator<I, O> streaming() {
        return streaming(true);
    }

    /**
     * @param streaming whether to call the {@link StreamingChatModel} and stream tokens
     * @return a copy with the setting
     */
    public Generator<I, O> streaming(boolean streaming) {
        return with(settings.withStreaming(streaming));
    }

    /**
     * Offers the {@code @Tool} methods of the given objects to the model. Replaces earlier tools.
     *
     * @param beans objects with {@code @dev.langchain4j.agent.tool.Tool} methods, such as CDI beans
     * @return a copy with the tools
     * @throws IllegalArgumentException if an object has no tool method or two tools share a name
     */
    public Generator<I, O> tools(Object... beans) {
        return with(settings.withTools(ToolBox.of(List.copyOf(Arrays.asList(beans)))));
    }

    /**
     * @param maxToolRounds how many model replies that ask for tools are answered before the
     *     generator gives up with {@link ToolRoundsExceededException}; at least 1
     * @return a copy with the bound
     */
    public Generator<I, O> maxToolRounds(int maxToolRounds) {
        return with(settings.withBounds(maxToolRounds, settings.maxRepairs()));
    }

    /**
     * Asks for structured output: the reply is read into {@code type} with JSON-B and checked with
     * Bean Validation. Resets {@link #withOptions(StepOptions)}, whose type is the output type.
     *
     * @param type a record or JSON-B bindable class
     * @param <R> the output type
     * @return a copy with the output type
     */
    public <R> Generator<I, R> output(Class<R> type) {
        Objects.requireNonNull(type, "type");
        StructuredOutput<R> s = type == String.class ? null : StructuredOutput.of(type);
        return new Generator<>(name(), settings.withOutput(type, s), null);
    }

    /**
     * @param maxRepairs how many times an invalid structured reply is sent back for repair before
     *     {@link ValidationExhaustedException}; 0 or more
     * @return a copy with the bound
     */
    public Generator<I, O> maxRepairs(int maxRepairs) {
        return with(settings.withBounds(settings.maxToolRounds(), maxRepairs));
    }

    /**
     * @param guardrails checks of the last user message, run in order before the first model call
     * @return a copy with the guardrails, replacing earlier input guardrails
     */
    public Generator<I, O> inputGuardrails(InputGuardrail... guardrails) {
        return with(settings.withGuardrails(List.of(guardrails), settings.outputGuardrails()));
    }

    /**
     * @param guardrails checks of the final reply, run in order before it is parsed and returned
     * @return a copy with the guardrails, replacing earlier output guardrails
     */
    public Generator<I, O> outputGuardrails(OutputGuardrail... guardrails) {
        return with(settings.withGuardrails(settings.inputGuardrails(), List.of(guardrails)));
    }

    /**
     * @param parameters request parameters (temperature, maximum tokens, provider-specific ones)
     *     that override the model's defaults; tools and response format are set by the generator
     * @return a copy with the parameters
     */
    public Generator<I, O> parameters(ChatRequestParameters parameters) {
        return with(settings.withParameters(parameters));
    }

    /**
     * @param options retry, fallback and timeout of the generator's step
     * @return a copy with the options
     */
    public Generator<I, O> withOptions(StepOptions<O> options) {
        return new Generator<>(name(), settings, options);
    }

    /**
     * Offers other agents to the model as tools: the result is a composite block whose model rounds
     * and delegate calls are durable steps of their own (see {@link DelegatingGenerator}).
     *
     * @param delegates the agents, with distinct names
     * @return the delegating generator, with this generator's name, settings and options
     * @throws IllegalStateException if this generator has structured output
     * @throws IllegalArgumentException if there is no delegate or two share a name
     */
    @SuppressWarnings("unchecked")
    public DelegatingGenerator<I> delegates(Delegate... delegates) {
        if (settings.outputType() != String.class) {
            throw new IllegalStateException("generator '" + name() + "': delegates work with text output only, not "
                    + settings.outputType().getSimpleName());
        }
        return DelegatingGenerator.of((Generator<I, String>) this, delegates);
    }

    /** A generation of this generator in a step's context. */
    Generation<I, O> generation(BlockContext ctx) {
        if (settings.prompt() == null && settings.conversation() == null && settings.history() == null) {
            throw new IllegalStateException(Messages.noPrompt(name()));
        }
        return new Generation<>(settings, ctx);
    }

    /** @return the model's name in the registry */
    public String modelName() {
        return settings.model();
    }

    /** @return whether the generator streams */
    public boolean isStreaming() {
        return settings.streaming();
    }

    /** @return the output type: {@code String} or the type of {@link #output(Class)} */
    public Class<O> outputType() {
        return settings.outputType();
    }

    /**
     * Calls the model, runs the tool rounds and returns the reply.
     *
     * @throws ToolRoundsExceededException if the model asks for tools more than
     *     {@link #maxToolRounds(int)} times
     * @throws ValidationExhaustedException if the structured reply is still invalid after the repairs
     * @throws GuardrailBlockedException if a guardrail refuses the prompt or the reply
     * @throws io.crux.ee.api.exception.ModelNotFoundException if the model does not exist
     * @throws IllegalStateException if the generator has no prompt, conversation or history
     * @throws Exception the model's or the prompt's failure
     */
    @Override
    public O execute(I input, BlockContext ctx) throws Exception {
        if (settings.prompt() == null && settings.conversation() == null && settings.history() == null) {
            throw new IllegalStateException(Messages.noPrompt(name()));
        }
        return new Generation<>(settings, ctx).generate(input);
    }

    @Override
    public String toString() {
        return "Generator[" + name() + ", model=" + settings.model() + (settings.streaming() ? ", streaming" : "")
                + ", output=" + settings.outputType().getSimpleName() + "]";
    }
}
