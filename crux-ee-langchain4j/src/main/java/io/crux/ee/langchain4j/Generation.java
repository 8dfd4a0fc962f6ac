package io.crux.ee.langchain4j;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.ChatExecutor;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Item;
import io.crux.ee.api.exception.ToolRoundsExceededException;
import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.FlowTracer.GenerationSpan;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/**
 * One execution of a generator: the conversation with its model, through the tool rounds and the
 * repairs of a structured reply, to the output.
 *
 * @param <I> the generator's input type
 * @param <O> the generator's output type
 */
final class Generation<I, O> {

    private final GeneratorSettings<I, O> settings;
    private final BlockContext ctx;
    private final GuardrailChain guardrails;
    private final ChatModel chatModel;
    private final StreamingChatModel streamingModel;
    private final Set<Capability> capabilities;
    private final ModelProvider provider;
    private final ChatRequestParameters modelDefaults;

    /** @throws io.crux.ee.api.exception.ModelNotFoundException if the model does not exist */
    Generation(GeneratorSettings<I, O> settings, BlockContext ctx) {
        this.settings = settings;
        this.ctx = ctx;
        this.guardrails = new GuardrailChain(settings.inputGuardrails(), settings.outputGuardrails(), ctx.path());
        if (settings.streaming()) {
            this.streamingModel = models(ctx).streamingChatModel(settings.model());
            this.chatModel = null;
            this.capabilities = streamingModel.supportedCapabilities();
            this.provider = streamingModel.provider();
            this.modelDefaults = streamingModel.defaultRequestParameters();
        } else {
            this.chatModel = models(ctx).chatModel(settings.model());
            this.streamingModel = null;
            this.capabilities = chatModel.supportedCapabilities();
            this.provider = chatModel.provider();
            this.modelDefaults = chatModel.defaultRequestParameters();
        }
    }

    /**
     * The engine's model registry; an engine that was given none has no models, so the lookup fails
     * with {@code ModelNotFoundException} (CRUX0051E) as for any unknown model.
     */
    private static ModelRegistry models(BlockContext ctx) {
        try {
            return ctx.service(ModelRegistry.class);
        } catch (NoSuchElementException none) {
            return ModelRegistry.NONE;
        }
    }

    O generate(I input) throws Exception {
        List<ChatMessage> messages = initialMessages(input);
        String userTemplate = guardrails.checkInput(messages);
        ChatRequestParameters requestParameters = requestParameters();
        StructuredOutput<O> structured = settings.structured();
        int toolRounds = 0;
        int repairs = 0;
        while (true) {
            ChatRequest request = ChatRequest.builder()
                    .messages(List.copyOf(messages))
                    .parameters(requestParameters)
                    .build();
            ModelReply reply = call(request);
            try {
                AiMessage ai = reply.response.aiMessage();
                messages.add(ai);
                if (ai.hasToolExecutionRequests()) {
                    reply.complete();
                    if (toolRounds == settings.maxToolRounds()) {
                        throw new ToolRoundsExceededException(
                                Messages.toolRoundsExceeded(ctx.path(), modelLabel(), toolRounds), toolRounds);
                    }
                    toolRounds++;
                    ToolRound.run(settings.toolBox(), ai.toolExecutionRequests(), messages, ctx);
                    continue;
                }
                if (ai.text() == null) {
                    throw new IllegalStateException(Messages.emptyReply(ctx.path(), modelLabel()));
                }
                String text = guardrails.checkOutput(reply.response, () -> executor(request), userTemplate);
                if (structured == null) {
                    reply.complete();
                    if (!settings.streaming()) {
                        ctx.emit(Item.message("assistant", text));
                    }
                    return settings.outputType().cast(text);
                }
                StructuredOutput.Parsed<O> parsed =
                        structured.parse(text, ctx.service(PayloadCodec.class), ctx.service(InputValidator.class));
                if (parsed.valid()) {
                    reply.complete();
                    return parsed.value();
                }
                // a streamed reply that does not validate stays incomplete (closed below); the repair streams anew
                if (repairs == settings.maxRepairs()) {
                    throw new ValidationExhaustedException(Messages.validationExhausted(
                            ctx.path(),
                            modelLabel(),
                            settings.outputType().getSimpleName(),
                            repairs,
                            parsed.problem()));
                }
                repairs++;
                messages.add(UserMessage.from(StructuredOutput.repairPrompt(parsed.problem())));
            } finally {
                reply.close();
            }
        }
    }

    /**
     * One round of a delegating generator: the conversation so far goes to the model with the
     * delegates offered as tools; the generator's own tools are answered here, and the round ends with
     * the model's text or with its calls of delegates. The first round ({@code continuation} empty)
     * renders the messages (the history included) and checks them with the input guardrails; its
     * recorded messages begin with them, so that later rounds carry the conversation as it was and
     * never read the history again, which by then holds the items the delegates stored.
     */
    DelegatingGenerator.Round round(
            I input, List<ChatMessage> continuation, List<ToolSpecification> delegates, Set<String> delegateNames)
            throws Exception {
        List<ChatMessage> messages;
        int start;
        if (continuation.isEmpty()) {
            messages = initialMessages(input);
            guardrails.checkInput(messages);
            start = 0;
        } else {
            messages = new ArrayList<>(continuation);
            start = messages.size();
        }
        List<ToolSpecification> tools = new ArrayList<>(settings.toolBox().specifications());
        tools.addAll(delegates);
        ChatRequestParameters own =
                ChatRequestParameters.builder().toolSpecifications(tools).build();
        ChatRequestParameters requestParameters =
                settings.parameters() == null ? own : settings.parameters().overrideWith(own);
        int toolRounds = 0;
        while (true) {
            ChatRequest request = ChatRequest.builder()
                    .messages(List.copyOf(messages))
                    .parameters(requestParameters)
                    .build();
            ModelReply reply = call(request);
            try {
                AiMessage ai = reply.response.aiMessage();
                messages.add(ai);
                if (ai.hasToolExecutionRequests()) {
                    reply.complete();
                    List<ToolExecutionRequest> delegated = new ArrayList<>();
                    List<ToolExecutionRequest> ownCalls = new ArrayList<>();
                    for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
                        (delegateNames.contains(r.name()) ? delegated : ownCalls).add(r);
                    }
                    if (!ownCalls.isEmpty()) {
                        if (delegated.isEmpty() && toolRounds == settings.maxToolRounds()) {
                            throw new ToolRoundsExceededException(
                                    Messages.toolRoundsExceeded(ctx.path(), modelLabel(), toolRounds), toolRounds);
                        }
                        toolRounds++;
                        ToolRound.run(settings.toolBox(), ownCalls, messages, ctx);
                    }
                    if (delegated.isEmpty()) {
                        continue;
                    }
                    List<DelegatingGenerator.Call> calls = new ArrayList<>();
                    for (int i = 0; i < delegated.size(); i++) {
                        ToolExecutionRequest r = delegated.get(i);
                        String id = r.id() != null ? r.id() : ctx.path() + "#delegate-" + i;
                        String request1 = DelegatingGenerator.requestOf(r.arguments(), ctx);
                        ctx.emit(Item.toolCall(id, r.name(), java.util.Map.of("request", request1)));
                        calls.add(new DelegatingGenerator.Call(id, r.name(), request1));
                    }
                    return new DelegatingGenerator.Round(
                            ChatMessageSerializer.messagesToJson(messages.subList(start, messages.size())),
                            null,
                            calls);
                }
                if (ai.text() == null) {
                    throw new IllegalStateException(Messages.emptyReply(ctx.path(), modelLabel()));
                }
                reply.complete();
                if (!settings.streaming()) {
                    ctx.emit(Item.message("assistant", ai.text()));
                }
                return new DelegatingGenerator.Round(
                        ChatMessageSerializer.messagesToJson(messages.subList(start, messages.size())),
                        ai.text(),
                        List.of());
            } finally {
                reply.close();
            }
        }
    }

    private List<ChatMessage> initialMessages(I input) throws Exception {
        List<ChatMessage> messages = new ArrayList<>();
        if (settings.history() != null) {
            messages.addAll(settings.history().messages(ctx.scope().items(), ctx.service(PayloadCodec.class)));
        }
        if (settings.conversation() != null) {
            messages.addAll(Objects.requireNonNull(settings.conversation().messages(input, ctx), "messages"));
        } else if (settings.prompt() != null) {
            String prompt = Objects.requireNonNull(settings.prompt().render(input, ctx), "prompt");
            boolean alreadyLast = !messages.isEmpty()
                    && messages.get(messages.size() - 1) instanceof UserMessage last
                    && last.hasSingleText()
                    && prompt.equals(last.singleText());
            if (!alreadyLast) { // the flow emitted the user's message before the generator: it is the prompt
                messages.add(UserMessage.from(prompt));
            }
        }
        if (messages.isEmpty()) {
            throw new IllegalStateException(Messages.emptyConversation(ctx.path()));
        }
        String systemText = settings.system() == null ? null : settings.system().render(input, ctx);
        String instructions =
                settings.structured() == null ? "" : settings.structured().instructions(capabilities);
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

    private ChatRequestParameters requestParameters() {
        var builder = ChatRequestParameters.builder();
        if (!settings.toolBox().isEmpty()) {
            builder.toolSpecifications(settings.toolBox().specifications());
        }
        ResponseFormat format =
                settings.structured() == null ? null : settings.structured().responseFormat(capabilities);
        if (format != null) {
            builder.responseFormat(format);
        }
        ChatRequestParameters own = builder.build();
        return settings.parameters() == null ? own : settings.parameters().overrideWith(own);
    }

    /** A fresh executor of the request, which an output guardrail may use to ask the model again. */
    private ChatExecutor executor(ChatRequest request) {
        InvocationContext invocation = InvocationContext.builder().build();
        return settings.streaming()
                ? ChatExecutor.builder(streamingModel)
                        .chatRequest(request)
                        .invocationContext(invocation)
                        .build()
                : ChatExecutor.builder(chatModel)
                        .chatRequest(request)
                        .invocationContext(invocation)
                        .build();
    }

    private ModelReply call(ChatRequest request) throws Exception {
        ChatRequestParameters effective =
                modelDefaults == null ? request.parameters() : modelDefaults.overrideWith(request.parameters());
        GenerationSpan span = ctx.service(FlowTracer.class)
                .startGeneration(GenAiAttributes.request(provider, modelLabel(), effective));
        ModelReply reply = null;
        try (AutoCloseable ignored = span.makeCurrent()) {
            if (settings.streaming()) {
                reply = StreamedReply.read(streamingModel, request, ctx);
            } else {
                reply = new ModelReply(chatModel.chat(request), null);
                ModelReply.emitReasoning(ctx, reply.response.aiMessage().thinking());
            }
            span.response(GenAiAttributes.response(reply.response));
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

    private String modelLabel() {
        String configured = modelDefaults == null ? null : modelDefaults.modelName();
        return configured != null ? configured : settings.model();
    }
}
