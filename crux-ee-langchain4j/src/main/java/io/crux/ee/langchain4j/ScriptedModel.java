package io.crux.ee.langchain4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

import io.crux.ee.catalog.Messages;

/**
 * A chat model for tests that answers from a script instead of a network: both a LangChain4j
 * {@link ChatModel} and a {@link StreamingChatModel}, so one instance serves blocking and streaming
 * generators. It never guesses: a call that no rule matches when the script is used up fails with an
 * {@link AssertionError} ({@code CRUX0086E: Unmocked model call ...}).
 *
 * <pre>{@code
 * ScriptedModel model = ScriptedModel.named("default")
 *         .reply(Reply.toolCall("lookupOrder", "{\"id\":\"A-17\"}"),   // first call
 *                Reply.text("Your order A-17 ships today."));            // second call
 * model.when(ScriptedModel.lastUserMessageContains("refund"))
 *         .reply(Reply.text("I cannot do refunds."));                   // any call about refunds
 * ModelRegistry models = ModelRegistry.of(Map.of("default", model));
 * ...
 * assertThat(model.requests()).hasSize(2);
 * }</pre>
 *
 * <p><b>Answering.</b> A call is answered by the first {@link #when(Predicate) rule} whose predicate
 * accepts the request; otherwise by the next reply of the {@link #reply(Reply...) script}, which is
 * consumed in order. A rule with several replies gives them in turn and then repeats its last one.
 *
 * <p><b>Saying that it is scripted.</b> Every response carries the model name
 * {@code scripted:<name>} and an id {@code scripted-<n>}; the model's provider is
 * {@link ModelProvider#OTHER}.
 *
 * <p><b>Streaming.</b> As a {@link StreamingChatModel}, a text reply is sent in the chunks of
 * {@link Reply#withChunks(String...)} (by default word by word, keeping the spaces), thinking first,
 * then the tool calls, then the complete response, all on the calling thread; an error reply goes to
 * {@link StreamingChatResponseHandler#onError(Throwable)}.
 *
 * <p>Thread-safe: rules, script and the record of requests are guarded by the instance.
 */
public final class ScriptedModel implements ChatModel, StreamingChatModel {

    private final String name;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Rule> rules = new ArrayList<>();
    private final List<ChatRequest> requests = new ArrayList<>();
    private final AtomicInteger responses = new AtomicInteger();
    private final AtomicInteger toolCalls = new AtomicInteger();
    private volatile Set<Capability> capabilities = Set.of();

    private ScriptedModel(String name) {
        this.name = name;
    }

    /**
     * @param name a name for messages and the response metadata ({@code scripted:<name>})
     * @return a model with an empty script and no rules
     */
    public static ScriptedModel named(String name) {
        Objects.requireNonNull(name, "name");
        return new ScriptedModel(name);
    }

    /**
     * Appends replies to the script; each answers one call, in order.
     *
     * @param replies the replies
     * @return this model
     */
    public ScriptedModel reply(Reply... replies) {
        synchronized (this) {
            script.addAll(Arrays.asList(replies));
        }
        return this;
    }

    /**
     * Appends text replies to the script.
     *
     * @param texts the texts of the replies
     * @return this model
     */
    public ScriptedModel reply(String... texts) {
        return reply(Arrays.stream(texts).map(Reply::text).toArray(Reply[]::new));
    }

    /**
     * Starts a rule; it takes effect when its {@link Rule#reply(Reply...)} is called.
     *
     * @param matcher which requests the rule answers
     * @return the rule
     */
    public Rule when(Predicate<? super ChatRequest> matcher) {
        return new Rule(Objects.requireNonNull(matcher, "matcher"));
    }

    /**
     * Declares the capabilities the model claims, for example
     * {@link Capability#RESPONSE_FORMAT_JSON_SCHEMA} to make a generator send a JSON-schema response
     * format instead of format instructions.
     *
     * @param capabilities the capabilities
     * @return this model
     */
    public ScriptedModel withCapabilities(Capability... capabilities) {
        this.capabilities =
                capabilities.length == 0 ? Set.of() : Set.copyOf(EnumSet.copyOf(Arrays.asList(capabilities)));
        return this;
    }

    /** @return the model name in the responses: {@code scripted:<name>} */
    public String modelName() {
        return "scripted:" + name;
    }

    /** @return every request received so far, in order, with the model's default parameters applied */
    public synchronized List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * @return the last request received
     * @throws AssertionError if there was none
     */
    public synchronized ChatRequest lastRequest() {
        if (requests.isEmpty()) {
            throw new AssertionError("the scripted model '" + modelName() + "' received no request");
        }
        return requests.get(requests.size() - 1);
    }

    /** @return how many script replies are not used yet */
    public synchronized int remainingReplies() {
        return script.size();
    }

    /**
     * @param text a piece of text
     * @return a predicate accepting requests whose last user message contains it
     */
    public static Predicate<ChatRequest> lastUserMessageContains(String text) {
        Objects.requireNonNull(text, "text");
        return request -> {
            List<ChatMessage> messages = request.messages();
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (messages.get(i) instanceof UserMessage user) {
                    return user.hasSingleText() && user.singleText().contains(text);
                }
            }
            return false;
        };
    }

    /**
     * @param text a piece of text
     * @return a predicate accepting requests whose system message contains it, which tells apart the
     *     generators that share one model
     */
    public static Predicate<ChatRequest> systemMessageContains(String text) {
        Objects.requireNonNull(text, "text");
        return request -> request.messages().stream()
                .anyMatch(
                        m -> m instanceof SystemMessage system && system.text().contains(text));
    }

    /** @return a predicate accepting requests whose last message is a tool result */
    public static Predicate<ChatRequest> afterToolResult() {
        return request -> !request.messages().isEmpty()
                && request.messages().get(request.messages().size() - 1) instanceof ToolExecutionResultMessage;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Reply reply = answer(request);
        if (reply.error != null) {
            throw reply.error;
        }
        return response(reply);
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        Reply reply = answer(request);
        if (reply.error != null) {
            handler.onError(reply.error);
            return;
        }
        StreamReplay.send(response(reply), reply.text == null ? List.of() : reply.chunks(), handler);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return ChatRequestParameters.builder().modelName(modelName()).build();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return List.of();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return capabilities;
    }

    @Override
    public String toString() {
        return "ScriptedModel[" + modelName() + "]";
    }

    private synchronized Reply answer(ChatRequest request) {
        requests.add(request);
        for (Rule rule : rules) {
            if (rule.matcher.test(request)) {
                return rule.next(request);
            }
        }
        Reply next = script.poll();
        if (next == null) {
            throw new AssertionError(Messages.unmockedModelCall(modelName(), describe(request)));
        }
        return next;
    }

    private ChatResponse response(Reply reply) {
        List<ToolExecutionRequest> calls = reply.toolCalls.stream()
                .map(c -> c.id() != null
                        ? c
                        : c.toBuilder()
                                .id("call-" + toolCalls.incrementAndGet())
                                .build())
                .toList();
        AiMessage.Builder message = AiMessage.builder().text(reply.text).thinking(reply.thinking);
        if (!calls.isEmpty()) {
            message.toolExecutionRequests(calls);
        }
        return ChatResponse.builder()
                .aiMessage(message.build())
                .id("scripted-" + responses.incrementAndGet())
                .modelName(modelName())
                .tokenUsage(reply.usage)
                .finishReason(
                        reply.finishReason != null
                                ? reply.finishReason
                                : calls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                .build();
    }

    private static String describe(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        String last = messages.isEmpty() ? "no message" : summary(messages.get(messages.size() - 1));
        List<ToolSpecification> tools = request.toolSpecifications();
        return "a request of " + messages.size() + " message(s) ending with " + last
                + (tools == null || tools.isEmpty()
                        ? ""
                        : ", offering tools "
                                + tools.stream().map(ToolSpecification::name).toList());
    }

    private static String summary(ChatMessage message) {
        String text;
        if (message instanceof UserMessage user) {
            text = user.hasSingleText() ? user.singleText() : "(multi-modal content)";
        } else if (message instanceof SystemMessage system) {
            text = system.text();
        } else if (message instanceof ToolExecutionResultMessage result) {
            text = result.toolName() + " -> " + result.text();
        } else if (message instanceof AiMessage ai) {
            text = String.valueOf(ai.text());
        } else {
            text = message.toString();
        }
        if (text.length() > 120) {
            text = text.substring(0, 117) + "...";
        }
        return message.type() + " '" + text + "'";
    }

    /** A rule of a {@link ScriptedModel}: which requests it answers, and how. */
    public final class Rule {
        private final Predicate<? super ChatRequest> matcher;
        private final List<Reply> replies = new ArrayList<>();
        private Function<? super ChatRequest, Reply> compute;
        private int used;

        private Rule(Predicate<? super ChatRequest> matcher) {
            this.matcher = matcher;
        }

        /**
         * Adds the rule to the model, after its earlier rules.
         *
         * @param first the reply to the first matching request
         * @param more replies to later matching requests; the last one repeats
         * @return the model
         */
        public ScriptedModel reply(Reply first, Reply... more) {
            synchronized (ScriptedModel.this) {
                replies.add(Objects.requireNonNull(first, "first"));
                replies.addAll(Arrays.asList(more));
                rules.add(this);
            }
            return ScriptedModel.this;
        }

        /**
         * Adds the rule with text replies.
         *
         * @param first the text of the first reply
         * @param more texts of later replies; the last one repeats
         * @return the model
         */
        public ScriptedModel reply(String first, String... more) {
            return reply(Reply.text(first), Arrays.stream(more).map(Reply::text).toArray(Reply[]::new));
        }

        /**
         * Adds the rule to the model with a reply computed from each matching request, for a model
         * that should echo or summarize what it was asked (a demo, a larger scripted scenario).
         *
         * @param answer computes the reply; must not return {@code null}
         * @return the model
         */
        public ScriptedModel replyWith(Function<? super ChatRequest, Reply> answer) {
            synchronized (ScriptedModel.this) {
                compute = Objects.requireNonNull(answer, "answer");
                rules.add(this);
            }
            return ScriptedModel.this;
        }

        private Reply next(ChatRequest request) {
            if (compute != null) {
                return Objects.requireNonNull(compute.apply(request), "the computed reply");
            }
            Reply r = replies.get(Math.min(used, replies.size() - 1));
            used++;
            return r;
        }
    }

    /**
     * One scripted answer: text, JSON, tool calls or an error, with optional thinking, streaming
     * chunks, token usage and finish reason. Immutable.
     */
    public static final class Reply {
        private final String text;
        private final List<ToolExecutionRequest> toolCalls;
        private final RuntimeException error;
        private final String thinking;
        private final List<String> chunks;
        private final TokenUsage usage;
        private final FinishReason finishReason;

        private Reply(
                String text,
                List<ToolExecutionRequest> toolCalls,
                RuntimeException error,
                String thinking,
                List<String> chunks,
                TokenUsage usage,
                FinishReason finishReason) {
            this.text = text;
            this.toolCalls = toolCalls;
            this.error = error;
            this.thinking = thinking;
            this.chunks = chunks;
            this.usage = usage;
            this.finishReason = finishReason;
        }

        /**
         * @param text the reply's text
         * @return a text reply
         */
        public static Reply text(String text) {
            return new Reply(Objects.requireNonNull(text, "text"), List.of(), null, null, null, null, null);
        }

        /**
         * @param json a JSON document, as a structured-output reply
         * @return a text reply holding the JSON
         */
        public static Reply json(String json) {
            return text(json);
        }

        /**
         * @param tool the tool's name
         * @param argumentsJson the arguments as a JSON object
         * @return a reply asking for one tool call (its id is {@code call-<n>})
         */
        public static Reply toolCall(String tool, String argumentsJson) {
            return toolCalls(ToolExecutionRequest.builder()
                    .name(tool)
                    .arguments(argumentsJson)
                    .build());
        }

        /**
         * @param calls the tool calls; those without an id get {@code call-<n>}
         * @return a reply asking for several tool calls at once
         */
        public static Reply toolCalls(ToolExecutionRequest... calls) {
            if (calls.length == 0) {
                throw new IllegalArgumentException("a tool-call reply needs at least one call");
            }
            return new Reply(null, List.of(calls), null, null, null, null, null);
        }

        /**
         * @param error the failure to throw (blocking) or report to {@code onError} (streaming), for
         *     example LangChain4j's {@code RateLimitException} to test retries
         * @return an error reply
         */
        public static Reply error(RuntimeException error) {
            return new Reply(null, List.of(), Objects.requireNonNull(error, "error"), null, null, null, null);
        }

        /**
         * @param thinking the model's reasoning, sent before the text
         * @return a copy with it
         */
        public Reply withThinking(String thinking) {
            return new Reply(text, toolCalls, error, thinking, chunks, usage, finishReason);
        }

        /**
         * @param chunks the pieces in which a streaming call sends the text; they must join to it
         * @return a copy with them
         * @throws IllegalArgumentException if they do not join to the text
         */
        public Reply withChunks(String... chunks) {
            if (!String.join("", chunks).equals(text)) {
                throw new IllegalArgumentException(
                        "the chunks " + Arrays.toString(chunks) + " do not join to the text '" + text + "'");
            }
            return new Reply(text, toolCalls, error, thinking, List.of(chunks), usage, finishReason);
        }

        /**
         * @param inputTokens prompt tokens to report
         * @param outputTokens completion tokens to report
         * @return a copy with the usage
         */
        public Reply withUsage(int inputTokens, int outputTokens) {
            return new Reply(
                    text, toolCalls, error, thinking, chunks, new TokenUsage(inputTokens, outputTokens), finishReason);
        }

        /**
         * @param finishReason the finish reason to report instead of {@code STOP} or
         *     {@code TOOL_EXECUTION}
         * @return a copy with it
         */
        public Reply withFinishReason(FinishReason finishReason) {
            return new Reply(text, toolCalls, error, thinking, chunks, usage, finishReason);
        }

        private List<String> chunks() {
            return chunks != null ? chunks : StreamReplay.words(text);
        }
    }
}
