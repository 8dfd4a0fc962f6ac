package io.crux.ee.langchain4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Item;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.PayloadCodec;

/**
 * One tool round: runs the tool calls of a model reply, each in a span, emits a tool-call and a
 * tool-output item for each, and adds the results to the conversation.
 */
final class ToolRound {

    private ToolRound() {}

    /**
     * @param calls the tool calls of the reply, in order
     * @param messages the conversation, to which the results are added
     */
    static void run(ToolBox toolBox, List<ToolExecutionRequest> calls, List<ChatMessage> messages, BlockContext ctx) {
        for (int i = 0; i < calls.size(); i++) {
            ToolExecutionRequest call = calls.get(i);
            String callId = call.id() != null ? call.id() : ctx.path() + "#tool-" + messages.size() + "-" + i;
            ctx.emit(Item.toolCall(callId, call.name(), arguments(call.arguments(), ctx)));
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
            messages.add(ToolExecutionResultMessage.builder()
                    .id(callId)
                    .toolName(call.name())
                    .text(outcome.text())
                    .isError(outcome.error())
                    .build());
        }
    }

    private static Map<String, Object> arguments(String json, BlockContext ctx) {
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
}
