package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.ChatExecutor;
import dev.langchain4j.guardrail.GuardrailRequestParams;
import dev.langchain4j.guardrail.GuardrailResult;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailRequest;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.FlowTracer.GenerationSpan;
import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.block.Names;

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
 * and its result become {@link Item.Type#TOOL_CALL} and {@link Item.Type#TOOL_OUTPUT} items.
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
public final class Generator<I, O> implements Block<I, O> {

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

    private final String name;
    private final String model;
    private final Prompt<? super I> system;
    private final Prompt<? super I> prompt;
    private final Conversation<? super I> conversation;
    private final boolean streaming;
    private final List<Object> tools;
    private final ToolBox toolBox;
    private final int maxToolRounds;
    private final Class<O> outputType;
    private final StructuredOutput<O> structured;
    private final int maxRepairs;
    private final List<InputGuardrail> inputGuardrails;
    private final List<OutputGuardrail> outputGuardrails;
    private final ChatRequestParameters parameters;
    private final StepOptions<O> options;

    private Generator(String name, String model, Prompt<? super I> system, Prompt<? super I> prompt,
            Conversation<? super I> conversation, boolean streaming, List<Object> tools, ToolBox toolBox,
            int maxToolRounds, Class<O> outputType, StructuredOutput<O> structured, int maxRepairs,
            List<InputGuardrail> inputGuardrails, List<OutputGuardrail> outputGuardrails,
            ChatRequestParameters parameters, StepOptions<O> options) {
        this.name = name;
        this.model = model;
        this.system = system;
        this.prompt = prompt;
        this.conversation = conversation;
        this.streaming = streaming;
        this.tools = tools;
        this.toolBox = toolBox;
        this.maxToolRounds = maxToolRounds;
        this.outputType = outputType;
        this.structured = structured;
        this.maxRepairs = maxRepairs;
        this.inputGuardrails = inputGuardrails;
        this.outputGuardrails = outputGuardrails;
        this.parameters = parameters;
        this.options = options;
    }

    /**
     * Starts a generator with text output, the model {@value #DEFAULT_MODEL}, no streaming, no tools,
     * at most {@value #DEFAULT_MAX_TOOL_ROUNDS} tool rounds and {@value #DEFAULT_MAX_REPAIRS} repairs.
     * Give the input type as a type witness: {@code Generator.<Question>named("answer")}.
     *
     * @param name the block's name, the last segment of its path
     * @param <I> the input type
     * @return the generator; it needs a {@link #prompt(Prompt)} or {@link #messages(Conversation)}
     * @throws IllegalArgumentException if the name is blank or holds {@code /}, {@code [}, {@code ]} or {@code #}
     */
    public static <I> Generator<I, String> named(String name) {
        Names.check("a generator's name", name);
        return new Generator<>(name, DEFAULT_MODEL, null, null, null, false, List.of(), ToolBox.NONE,
                DEFAULT_MAX_TOOL_ROUNDS, String.class, null, DEFAULT_MAX_REPAIRS, List.of(), List.of(), null, null);
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
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
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
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    /**
     * Sets the user message. Replaces {@link #messages(Conversation)}.
     *
     * @param prompt renders the user message from the input
     * @return a copy with the prompt
     */
    public Generator<I, O> prompt(Prompt<? super I> prompt) {
        Objects.requireNonNull(prompt, "prompt");
        return new Generator<>(name, model, system, prompt, null, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
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
        return new Generator<>(name, model, system, null, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
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
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    /**
     * Offers the {@code @Tool} methods of the given objects to the model. Replaces earlier tools.
     *
     * @param beans objects with {@code @dev.langchain4j.agent.tool.Tool} methods, such as CDI beans
     * @return a copy with the tools
     * @throws IllegalArgumentException if an object has no tool method or two tools share a name
     */
    public Generator<I, O> tools(Object... beans) {
        List<Object> list = List.copyOf(Arrays.asList(beans));
        return new Generator<>(name, model, system, prompt, conversation, streaming, list, ToolBox.of(list),
                maxToolRounds, outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    /**
     * @param maxToolRounds how many model replies that ask for tools are answered before the
     *     generator gives up with {@link ToolRoundsExceededException}; at least 1
     * @return a copy with the bound
     */
    public Generator<I, O> maxToolRounds(int maxToolRounds) {
        if (maxToolRounds < 1) {
            throw new IllegalArgumentException("maxToolRounds must be at least 1: " + maxToolRounds);
        }
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
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
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                type, s, maxRepairs, inputGuardrails, outputGuardrails, parameters, null);
    }

    /**
     * @param maxRepairs how many times an invalid structured reply is sent back for repair before
     *     {@link ValidationExhaustedException}; 0 or more
     * @return a copy with the bound
     */
    public Generator<I, O> maxRepairs(int maxRepairs) {
        if (maxRepairs < 0) {
            throw new IllegalArgumentException("maxRepairs must not be negative: " + maxRepairs);
        }
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    /**
     * @param guardrails checks of the last user message, run in order before the first model call
     * @return a copy with the guardrails, replacing earlier input guardrails
     */
    public Generator<I, O> inputGuardrails(InputGuardrail... guardrails) {
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, List.of(guardrails), outputGuardrails, parameters, options);
    }

    /**
     * @param guardrails checks of the final reply, run in order before it is parsed and returned
     * @return a copy with the guardrails, replacing earlier output guardrails
     */
    public Generator<I, O> outputGuardrails(OutputGuardrail... guardrails) {
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, List.of(guardrails), parameters, options);
    }

    /**
     * @param parameters request parameters (temperature, maximum tokens, provider-specific ones)
     *     that override the model's defaults; tools and response format are set by the generator
     * @return a copy with the parameters
     */
    public Generator<I, O> parameters(ChatRequestParameters parameters) {
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    /**
     * @param options retry, fallback and timeout of the generator's step
     * @return a copy with the options
     */
    public Generator<I, O> withOptions(StepOptions<O> options) {
        return new Generator<>(name, model, system, prompt, conversation, streaming, tools, toolBox, maxToolRounds,
                outputType, structured, maxRepairs, inputGuardrails, outputGuardrails, parameters, options);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public StepOptions<O> options() {
        return options;
    }

    /** @return the model's name in the registry */
    public String modelName() {
        return model;
    }

    /** @return whether the generator streams */
    public boolean isStreaming() {
        return streaming;
    }

    /** @return the output type: {@code String} or the type of {@link #output(Class)} */
    public Class<O> outputType() {
        return outputType;
    }

    /**
     * Calls the model, runs the tool rounds and returns the reply.
     *
     * @throws ToolRoundsExceededException if the model asks for tools more than
     *     {@link #maxToolRounds(int)} times
     * @throws ValidationExhaustedException if the structured reply is still invalid after the repairs
     * @throws GuardrailBlockedException if a guardrail refuses the prompt or the reply
     * @throws io.crux.ee.api.exception.ModelNotFoundException if the model does not exist
     * @throws IllegalStateException if the generator has no prompt
     * @throws Exception the model's or the prompt's failure
     */
    @Override
    public O execute(I input, BlockContext ctx) throws Exception {
        if (prompt == null && conversation == null) {
            throw new IllegalStateException(Messages.noPrompt(name));
        }
        return new Run(ctx).generate(input);
    }

    @Override
    public String toString() {
        return "Generator[" + name + ", model=" + model + (streaming ? ", streaming" : "") + ", output="
                + outputType.getSimpleName() + "]";
    }

    /** One execution: the conversation so far and the model it talks to. */
    private final class Run {
        private final BlockContext ctx;
        private final ChatModel chatModel;
        private final StreamingChatModel streamingModel;
        private final Set<Capability> capabilities;
        private final ModelProvider provider;
        private final ChatRequestParameters modelDefaults;

        Run(BlockContext ctx) {
            this.ctx = ctx;
            if (streaming) {
                this.streamingModel = ctx.service(ModelRegistry.class).streamingChatModel(model);
                this.chatModel = null;
                this.capabilities = streamingModel.supportedCapabilities();
                this.provider = streamingModel.provider();
                this.modelDefaults = streamingModel.defaultRequestParameters();
            } else {
                this.chatModel = ctx.service(ModelRegistry.class).chatModel(model);
                this.streamingModel = null;
                this.capabilities = chatModel.supportedCapabilities();
                this.provider = chatModel.provider();
                this.modelDefaults = chatModel.defaultRequestParameters();
            }
        }

        O generate(I input) throws Exception {
            List<ChatMessage> messages = initialMessages(input);
            String userTemplate = checkInput(messages);
            ChatRequestParameters requestParameters = requestParameters();
            int toolRounds = 0;
            int repairs = 0;
            while (true) {
                ChatRequest request = ChatRequest.builder().messages(List.copyOf(messages)).parameters(requestParameters)
                        .build();
                Reply reply = call(request);
                try {
                    AiMessage ai = reply.response.aiMessage();
                    messages.add(ai);
                    if (ai.hasToolExecutionRequests()) {
                        reply.complete();
                        if (toolRounds == maxToolRounds) {
                            throw new ToolRoundsExceededException(Messages.toolRoundsExceeded(ctx.path(), modelLabel(),
                                    toolRounds), toolRounds);
                        }
                        toolRounds++;
                        runTools(ai.toolExecutionRequests(), messages);
                        continue;
                    }
                    if (ai.text() == null) {
                        throw new IllegalStateException(Messages.emptyReply(ctx.path(), modelLabel()));
                    }
                    String text = checkOutput(reply.response, request, userTemplate);
                    if (structured == null) {
                        reply.complete();
                        if (!streaming) {
                            ctx.emit(Item.message("assistant", text));
                        }
                        return outputType.cast(text);
                    }
                    StructuredOutput.Parsed<O> parsed = structured.parse(text, ctx.service(PayloadCodec.class), ctx.service(InputValidator.class));
                    if (parsed.valid()) {
                        reply.complete();
                        return parsed.value();
                    }
                    // a streamed reply that does not validate stays incomplete (closed below); the repair streams anew
                    if (repairs == maxRepairs) {
                        throw new ValidationExhaustedException(Messages.validationExhausted(ctx.path(), modelLabel(),
                                outputType.getSimpleName(), repairs, parsed.problem()));
                    }
                    repairs++;
                    messages.add(UserMessage.from(StructuredOutput.repairPrompt(parsed.problem())));
                } finally {
                    reply.close();
                }
            }
        }

        private List<ChatMessage> initialMessages(I input) throws Exception {
            List<ChatMessage> messages = new ArrayList<>();
            if (conversation != null) {
                messages.addAll(Objects.requireNonNull(conversation.messages(input, ctx), "messages"));
            } else {
                messages.add(UserMessage.from(Objects.requireNonNull(prompt.render(input, ctx), "prompt")));
            }
            String systemText = system == null ? null : system.render(input, ctx);
            String instructions = structured == null ? "" : structured.instructions(capabilities);
            if (!instructions.isEmpty()) {
                systemText = systemText == null ? instructions : systemText + "\n\n" + instructions;
            }
            if (systemText != null) {
                if (!messages.isEmpty() && messages.get(0) instanceof SystemMessage first) {
                    messages.set(0, SystemMessage.from(systemText + "\n\n" + first.text()));
                } else {
                    messages.add(0, SystemMessage.from(systemText));
                }
            }
            return messages;
        }

        /**
     * Runs the input guardrails on the last user message; returns its (possibly rewritten) text. With
     * input guardrails and no user message the call is blocked.
     */
        private String checkInput(List<ChatMessage> messages) {
            int last = -1;
            for (int i = messages.size() - 1; i >= 0 && last < 0; i--) {
                if (messages.get(i) instanceof UserMessage) {
                    last = i;
                }
            }
            if (last < 0) {
                if (!inputGuardrails.isEmpty()) {
                    // fail closed: a conversation the guardrails cannot check is not sent
                    throw new GuardrailBlockedException(Messages.guardrailBlocked(ctx.path(), "input",
                            "the conversation has no user message for the input guardrails to check"), null);
                }
                return "";
            }
            UserMessage user = (UserMessage) messages.get(last);
            String template = user.hasSingleText() ? user.singleText() : "";
            for (InputGuardrail guardrail : inputGuardrails) {
                InputGuardrailRequest request = InputGuardrailRequest.builder().userMessage(user)
                        .commonParams(guardrailParams(template)).build();
                InputGuardrailResult result = guardrail.validate(request);
                if (!result.isSuccess()) {
                    throw blocked("input", guardrail, result);
                }
                if (result.hasRewrittenResult()) {
                    user = result.userMessage(request);
                    messages.set(last, user);
                }
            }
            return template;
        }

        /** Runs the output guardrails on the final reply; returns its (possibly rewritten) text. */
        private String checkOutput(ChatResponse response, ChatRequest request, String template) {
            ChatResponse current = response;
            for (OutputGuardrail guardrail : outputGuardrails) {
                InvocationContext invocation = InvocationContext.builder().build();
                ChatExecutor executor = streaming
                        ? ChatExecutor.builder(streamingModel).chatRequest(request).invocationContext(invocation).build()
                        : ChatExecutor.builder(chatModel).chatRequest(request).invocationContext(invocation).build();
                OutputGuardrailRequest guardrailRequest = OutputGuardrailRequest.builder().responseFromLLM(current)
                        .chatExecutor(executor).requestParams(guardrailParams(template)).build();
                OutputGuardrailResult result = guardrail.validate(guardrailRequest);
                if (!result.isSuccess()) {
                    throw blocked("output", guardrail, result);
                }
                if (result.hasRewrittenResult()) {
                    current = current.toBuilder().aiMessage(current.aiMessage().withText(result.successfulText())).build();
                }
            }
            return current.aiMessage().text();
        }

        private GuardrailRequestParams guardrailParams(String template) {
            return GuardrailRequestParams.builder().userMessageTemplate(template).variables(Map.of()).build();
        }

        private GuardrailBlockedException blocked(String direction, Object guardrail, GuardrailResult<?> result) {
            String failures = result.failures().stream().map(f -> f.message()).collect(Collectors.joining("; "));
            String text = guardrail.getClass().getName() + ": " + (failures.isEmpty() ? result.asString() : failures);
            return new GuardrailBlockedException(Messages.guardrailBlocked(ctx.path(), direction, text),
                    result.getFirstFailureException());
        }

        private ChatRequestParameters requestParameters() {
            var builder = ChatRequestParameters.builder();
            if (!toolBox.isEmpty()) {
                builder.toolSpecifications(toolBox.specifications());
            }
            ResponseFormat format = structured == null ? null : structured.responseFormat(capabilities);
            if (format != null) {
                builder.responseFormat(format);
            }
            ChatRequestParameters own = builder.build();
            return parameters == null ? own : parameters.overrideWith(own);
        }

        private void runTools(List<ToolExecutionRequest> calls, List<ChatMessage> messages) {
            for (int i = 0; i < calls.size(); i++) {
                ToolExecutionRequest call = calls.get(i);
                String callId = call.id() != null ? call.id() : ctx.path() + "#tool-" + messages.size() + "-" + i;
                ctx.emit(Item.toolCall(callId, call.name(), arguments(call.arguments())));
                FlowTracer.Span span = ctx.service(FlowTracer.class).startToolExecution(call.name(), call.id());
                ToolBox.Outcome outcome;
                try (AutoCloseable ignored = span.makeCurrent()) {
                    outcome = toolBox.execute(call);
                } catch (RuntimeException | Error e) {
                    span.fail(e);
                    throw e;
                } catch (Exception e) {
                    // only the scope's close can throw a checked exception, and it does not
                    throw new IllegalStateException(e);
                } finally {
                    span.end();
                }
                Map<String, Object> content = new LinkedHashMap<>();
                content.put("callId", callId);
                content.put("name", call.name());
                content.put("output", outcome.text());
                content.put("error", outcome.error());
                ctx.emit(Item.toolOutput(callId, outcome.text()).withContent(content));
                messages.add(ToolExecutionResultMessage.builder().id(callId).toolName(call.name())
                        .text(outcome.text()).isError(outcome.error()).build());
            }
        }

        private Map<String, Object> arguments(String json) {
            if (json == null || json.isBlank()) {
                return Map.of();
            }
            try {
                Object map = ctx.service(PayloadCodec.class).convert(json, Map.class);
                if (map instanceof Map<?, ?> m) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    m.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    return copy;
                }
            } catch (RuntimeException notJson) {
                // the model sent arguments that are not a JSON object: keep them as text
            }
            return Map.of("raw", json);
        }

        private Reply call(ChatRequest request) throws Exception {
            ChatRequestParameters effective = modelDefaults == null ? request.parameters()
                    : modelDefaults.overrideWith(request.parameters());
            GenerationSpan span = ctx.service(FlowTracer.class).startGeneration(new FlowTracer.GenerationRequest("chat",
                    providerName(provider), modelLabel(), effective.temperature(), effective.maxOutputTokens()));
            Reply reply = null;
            try (AutoCloseable ignored = span.makeCurrent()) {
                reply = streaming ? stream(request) : new Reply(chatModel.chat(request), null);
                if (!streaming) {
                    emitReasoning(reply.response.aiMessage().thinking());
                }
                span.response(response(reply.response));
                return reply;
            } catch (Throwable t) {
                if (reply != null) {
                    reply.close();
                }
                span.fail(t);
                throw t;
            } finally {
                span.end();
            }
        }

        /**
         * Calls the streaming model and handles its callbacks on this thread: the model may call back
         * on its own threads, while items and deltas belong to the step's thread. When the step stops
         * reading before the response is complete (a cancel, a timeout: the thread is interrupted),
         * the model's stream is cancelled too, so that it stops generating.
         */
        private Reply stream(ChatRequest request) throws Exception {
            BlockingQueue<Object> events = new LinkedBlockingQueue<>();
            ModelStream model = new ModelStream();
            streamingModel.chat(request, new StreamingChatResponseHandler() {
                @Override
                public void onPartialResponse(String partial) {
                    events.add(new Token(partial));
                }

                @Override
                public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                    if (model.reached(context.streamingHandle())) {
                        events.add(new Token(partial.text()));
                    }
                }

                @Override
                public void onPartialThinking(PartialThinking thinking) {
                    events.add(new Thinking(thinking.text()));
                }

                @Override
                public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                    if (model.reached(context.streamingHandle())) {
                        events.add(new Thinking(thinking.text()));
                    }
                }

                @Override
                public void onCompleteResponse(ChatResponse response) {
                    events.add(response);
                }

                @Override
                public void onError(Throwable error) {
                    events.add(new Failure(error));
                }
            });
            StringBuilder thinking = new StringBuilder();
            boolean reasoned = false;
            boolean ended = false;
            MessageStream message = null;
            try {
                while (true) {
                    Object event = events.take();
                    if (event instanceof Token token) {
                        if (token.text == null || token.text.isEmpty()) {
                            continue;
                        }
                        if (message == null) {
                            emitReasoning(thinking.toString());
                            reasoned = thinking.length() > 0;
                            message = ctx.message("assistant");
                        }
                        message.delta(token.text);
                    } else if (event instanceof Thinking t) {
                        if (t.text != null) {
                            thinking.append(t.text);
                        }
                    } else if (event instanceof ChatResponse response) {
                        if (!reasoned) {
                            emitReasoning(thinking.length() > 0 ? thinking.toString() : response.aiMessage().thinking());
                        }
                        return new Reply(response, message);
                    } else {
                        ended = true; // the model's own failure ends its stream
                        Throwable error = ((Failure) event).error;
                        if (error instanceof Exception e) {
                            throw e;
                        }
                        throw (Error) error;
                    }
                }
            } catch (Exception | Error e) {
                if (!ended) {
                    model.cancel();
                }
                if (message != null) {
                    message.close();
                }
                throw e;
            }
        }

        private void emitReasoning(String text) {
            if (text != null && !text.isBlank()) {
                ctx.emit(Item.reasoning(text));
            }
        }

        private String modelLabel() {
            String configured = modelDefaults == null ? null : modelDefaults.modelName();
            return configured != null ? configured : model;
        }
    }

    /**
     * The model's side of a streamed reply: its handle, which it gives with its callbacks, and
     * whether the step stopped reading, so that a callback that comes after cancels the stream.
     */
    private static final class ModelStream {
        private StreamingHandle handle;
        private boolean cancelled;

        /** @return whether the callback is still wanted; when not, the stream is cancelled */
        synchronized boolean reached(StreamingHandle handle) {
            this.handle = handle;
            if (cancelled && !handle.isCancelled()) {
                handle.cancel();
            }
            return !cancelled;
        }

        synchronized void cancel() {
            cancelled = true;
            if (handle != null && !handle.isCancelled()) {
                handle.cancel();
            }
        }
    }

    /** A model's reply, and the message item that streamed it, still open until {@link #complete()}. */
    private static final class Reply implements AutoCloseable {
        final ChatResponse response;
        private final MessageStream message;

        Reply(ChatResponse response, MessageStream message) {
            this.response = response;
            this.message = message;
        }

        void complete() {
            if (message != null) {
                message.done();
            }
        }

        @Override
        public void close() {
            if (message != null) {
                message.close();
            }
        }
    }

    private record Token(String text) {}

    private record Thinking(String text) {}

    private record Failure(Throwable error) {}

    static FlowTracer.GenerationResponse response(ChatResponse response) {
        TokenUsage usage = response.tokenUsage();
        return new FlowTracer.GenerationResponse(response.id(), response.modelName(),
                usage == null ? null : usage.inputTokenCount(), usage == null ? null : usage.outputTokenCount(),
                finishReason(response.finishReason()));
    }

    /** The GenAI convention's finish reasons, which are OpenAI's. */
    static String finishReason(FinishReason reason) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case TOOL_EXECUTION -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
            default -> reason.name().toLowerCase(Locale.ROOT);
        };
    }

    /** The GenAI convention's {@code gen_ai.provider.name} of a LangChain4j provider. */
    static String providerName(ModelProvider provider) {
        if (provider == null) {
            return "other";
        }
        return switch (provider) {
            case OPEN_AI -> "openai";
            case AZURE_OPEN_AI -> "azure.ai.openai";
            case MICROSOFT_FOUNDRY -> "azure.ai.inference";
            case AMAZON_BEDROCK -> "aws.bedrock";
            case GOOGLE_AI_GEMINI -> "gcp.gemini";
            case GOOGLE_VERTEX_AI_GEMINI, GOOGLE_VERTEX_AI_ANTHROPIC -> "gcp.vertex_ai";
            case GOOGLE_GENAI -> "gcp.gen_ai";
            case MISTRAL_AI -> "mistral_ai";
            case WATSONX -> "ibm.watsonx.ai";
            case GITHUB_MODELS -> "github";
            default -> provider.name().toLowerCase(Locale.ROOT);
        };
    }
}
