package io.crux.ee.langchain4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.TokenCountEstimator;

import io.crux.ee.api.Item;
import io.crux.ee.spi.PayloadCodec;

/**
 * Which of the session's stored items a {@link Generator#history(History)} sends to the model, as the
 * conversation before its prompt: the items whose audience reaches the model
 * ({@link Item.Audience#CLIENT} and {@link Item.Audience#MODEL}), oldest first, cut to a window.
 *
 * <p><b>Mapping.</b> A completed (or incomplete: stopped) {@link Item.Type#MESSAGE} of role
 * {@code user} becomes a {@link UserMessage}, of role {@code assistant} an {@link AiMessage}, of role
 * {@code system} a {@link UserMessage} (providers take one system message, first: the generator's
 * own); a {@link Item.Type#CONTEXT} item becomes a {@link UserMessage} with its text, at its place in
 * the conversation. Tool calls in a row ({@link Item.Type#TOOL_CALL} with their
 * {@link Item.Type#TOOL_OUTPUT}s) become one {@link AiMessage} with their
 * {@link ToolExecutionRequest}s followed by one {@link ToolExecutionResultMessage} per call, in the
 * order of the calls; a call without output (or an output without call) is left out, since a model
 * refuses a call without its result. Reasoning, status, component, state change, error and block
 * output items, and items still in progress or failed, are not part of the conversation.
 *
 * <p><b>Window.</b> The window keeps the newest messages that fit, never splitting a tool call from its
 * result: a tool round counts whole or not at all. {@link #lastItems(int)} counts stored items (a call and
 * its output are two); {@link #tokens(int)} estimates tokens as characters divided by four, rounded up
 * (text, tool names and arguments), which is close for English text and cheap, and
 * {@link #tokens(int, TokenCountEstimator)} uses LangChain4j's estimator of the model instead (for
 * example {@code OpenAiTokenCountEstimator}).
 *
 * <p>Immutable and thread-safe when the estimator is.
 */
public final class History {

    private final int maxItems;
    private final int maxTokens;
    private final TokenCountEstimator estimator;

    private History(int maxItems, int maxTokens, TokenCountEstimator estimator) {
        this.maxItems = maxItems;
        this.maxTokens = maxTokens;
        this.estimator = estimator;
    }

    /** @return every model-visible item of the session */
    public static History all() {
        return new History(Integer.MAX_VALUE, Integer.MAX_VALUE, null);
    }

    /**
     * @param items how many of the newest stored items to send, at least 1
     * @return the window
     * @throws IllegalArgumentException if {@code items} is less than 1
     */
    public static History lastItems(int items) {
        if (items < 1) {
            throw new IllegalArgumentException("items must be at least 1: " + items);
        }
        return new History(items, Integer.MAX_VALUE, null);
    }

    /**
     * @param tokens the most estimated tokens (characters / 4, rounded up) the history may take, at least 1
     * @return the window
     * @throws IllegalArgumentException if {@code tokens} is less than 1
     */
    public static History tokens(int tokens) {
        return tokens(tokens, null);
    }

    /**
     * @param tokens the most tokens the history may take, at least 1
     * @param estimator counts a message's tokens, or {@code null} for characters / 4
     * @return the window
     * @throws IllegalArgumentException if {@code tokens} is less than 1
     */
    public static History tokens(int tokens, TokenCountEstimator estimator) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be at least 1: " + tokens);
        }
        return new History(Integer.MAX_VALUE, tokens, estimator);
    }

    /**
     * @param items the session's items, oldest first, of every audience
     * @param codec encodes a tool call's arguments
     * @return the conversation the window keeps, oldest first
     */
    List<ChatMessage> messages(List<Item> items, PayloadCodec codec) {
        List<Turn> turns = turns(items, codec);
        Deque<Turn> kept = new ArrayDeque<>();
        int itemCount = 0;
        long tokenCount = 0;
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            long tokens = maxTokens == Integer.MAX_VALUE ? 0 : tokens(t.messages());
            if (itemCount + t.items() > maxItems || tokenCount + tokens > maxTokens) {
                break;
            }
            itemCount += t.items();
            tokenCount += tokens;
            kept.addFirst(t);
        }
        List<ChatMessage> messages = new ArrayList<>();
        kept.forEach(t -> messages.addAll(t.messages()));
        return messages;
    }

    /** Messages that go together (one, or a tool round) and how many stored items they come from. */
    private record Turn(List<ChatMessage> messages, int items) {}

    private static List<Turn> turns(List<Item> items, PayloadCodec codec) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < items.size(); ) {
            Item item = items.get(i);
            if (!item.audience().reachesModel()) {
                i++;
                continue;
            }
            if (item.type() == Item.Type.TOOL_CALL || item.type() == Item.Type.TOOL_OUTPUT) {
                int end = i;
                while (end < items.size() && isToolItem(items.get(end))) {
                    end++;
                }
                Turn round = toolRound(items.subList(i, end), codec);
                if (round != null) {
                    turns.add(round);
                }
                i = end;
                continue;
            }
            ChatMessage message = message(item);
            if (message != null) {
                turns.add(new Turn(List.of(message), 1));
            }
            i++;
        }
        return turns;
    }

    /** Tool items in a row; an internal one between them does not end the round. */
    private static boolean isToolItem(Item item) {
        return item.type() == Item.Type.TOOL_CALL
                || item.type() == Item.Type.TOOL_OUTPUT
                || !item.audience().reachesModel();
    }

    private static ChatMessage message(Item item) {
        if (item.status() != Item.Status.COMPLETED && item.status() != Item.Status.INCOMPLETE) {
            return null;
        }
        String text = text(item.content().get("text"));
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (item.type() == Item.Type.CONTEXT) {
            return UserMessage.from(text);
        }
        if (item.type() != Item.Type.MESSAGE) {
            return null;
        }
        return "assistant".equals(item.content().get("role")) ? AiMessage.from(text) : UserMessage.from(text);
    }

    private static Turn toolRound(List<Item> round, PayloadCodec codec) {
        Map<String, Item> outputs = new LinkedHashMap<>();
        for (Item i : round) {
            if (i.type() == Item.Type.TOOL_OUTPUT && i.audience().reachesModel()) {
                outputs.put(String.valueOf(i.content().get("callId")), i);
            }
        }
        List<ToolExecutionRequest> calls = new ArrayList<>();
        List<ChatMessage> results = new ArrayList<>();
        int items = 0;
        for (Item call : round) {
            if (call.type() != Item.Type.TOOL_CALL || !call.audience().reachesModel()) {
                continue;
            }
            String callId = String.valueOf(call.content().get("callId"));
            Item output = outputs.get(callId);
            if (output == null) {
                continue; // a call without its result is refused by the model
            }
            String name = String.valueOf(call.content().get("name"));
            calls.add(ToolExecutionRequest.builder()
                    .id(callId)
                    .name(name)
                    .arguments(arguments(call.content().get("arguments"), codec))
                    .build());
            results.add(ToolExecutionResultMessage.builder()
                    .id(callId)
                    .toolName(name)
                    .text(Objects.toString(text(output.content().get("output")), ""))
                    .isError(Boolean.TRUE.equals(output.content().get("error")))
                    .build());
            items += 2;
        }
        if (calls.isEmpty()) {
            return null;
        }
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(AiMessage.from(calls));
        messages.addAll(results);
        return new Turn(List.copyOf(messages), items);
    }

    /** The arguments as the model sent them: the JSON object, or the text it sent when that was no object. */
    private static String arguments(Object arguments, PayloadCodec codec) {
        if (arguments instanceof Map<?, ?> m && m.size() == 1 && m.get("raw") instanceof String raw) {
            return raw;
        }
        return arguments == null ? "{}" : codec.encode(arguments).json();
    }

    private static String text(Object value) {
        return value == null ? null : value instanceof String s ? s : String.valueOf(value);
    }

    private long tokens(List<ChatMessage> messages) {
        if (estimator != null) {
            return estimator.estimateTokenCountInMessages(messages);
        }
        long chars = 0;
        for (ChatMessage m : messages) {
            if (m instanceof UserMessage u) {
                chars += u.singleText().length();
            } else if (m instanceof AiMessage a) {
                chars += a.text() == null ? 0 : a.text().length();
                for (ToolExecutionRequest r : a.toolExecutionRequests()) {
                    chars += r.name().length() + r.arguments().length();
                }
            } else if (m instanceof ToolExecutionResultMessage r) {
                chars += r.text().length();
            }
        }
        return (chars + 3) / 4;
    }

    @Override
    public String toString() {
        return maxItems != Integer.MAX_VALUE
                ? "History[last " + maxItems + " items]"
                : maxTokens != Integer.MAX_VALUE ? "History[" + maxTokens + " tokens]" : "History[all]";
    }
}
