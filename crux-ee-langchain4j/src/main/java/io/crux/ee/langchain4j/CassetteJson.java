package io.crux.ee.langchain4j;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;

/**
 * The JSON of a cassette: the canonical form of a request (what matching compares: messages, tools,
 * response format and sampling parameters, never ids or times the caller cannot control), the form of
 * a response, and the differences between two requests.
 */
final class CassetteJson {

    private static final int MAX_SHOWN = 160;

    private CassetteJson() {}

    static JsonObject request(ChatRequest request) {
        JsonArrayBuilder messages = Json.createArrayBuilder();
        for (ChatMessage m : request.messages()) {
            messages.add(message(m));
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("messages", messages);
        JsonObject parameters = parameters(request.parameters());
        if (!parameters.isEmpty()) {
            b.add("parameters", parameters);
        }
        return b.build();
    }

    private static JsonObject message(ChatMessage m) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (m instanceof SystemMessage system) {
            b.add("role", "system").add("text", system.text());
        } else if (m instanceof UserMessage user) {
            b.add("role", "user");
            if (user.name() != null) {
                b.add("name", user.name());
            }
            if (user.hasSingleText()) {
                b.add("text", user.singleText());
            } else {
                JsonArrayBuilder contents = Json.createArrayBuilder();
                for (Content c : user.contents()) {
                    contents.add(c instanceof TextContent t ? t.text() : c.type() + ": " + c);
                }
                b.add("contents", contents);
            }
        } else if (m instanceof AiMessage ai) {
            b.add("role", "ai");
            if (ai.text() != null) {
                b.add("text", ai.text());
            }
            if (ai.hasToolExecutionRequests()) {
                b.add("toolCalls", toolCalls(ai.toolExecutionRequests()));
            }
        } else if (m instanceof ToolExecutionResultMessage result) {
            b.add("role", "tool");
            putIfPresent(b, "id", result.id());
            putIfPresent(b, "toolName", result.toolName());
            putIfPresent(b, "text", result.text());
        } else {
            b.add("role", m.type().name()).add("text", m.toString());
        }
        return b.build();
    }

    private static JsonObject parameters(ChatRequestParameters p) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (p == null) {
            return b.build();
        }
        putIfPresent(b, "modelName", p.modelName());
        if (p.temperature() != null) {
            b.add("temperature", p.temperature());
        }
        if (p.topP() != null) {
            b.add("topP", p.topP());
        }
        if (p.topK() != null) {
            b.add("topK", p.topK());
        }
        if (p.frequencyPenalty() != null) {
            b.add("frequencyPenalty", p.frequencyPenalty());
        }
        if (p.presencePenalty() != null) {
            b.add("presencePenalty", p.presencePenalty());
        }
        if (p.maxOutputTokens() != null) {
            b.add("maxOutputTokens", p.maxOutputTokens());
        }
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            b.add("stopSequences", Json.createArrayBuilder(p.stopSequences()));
        }
        if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
            JsonArrayBuilder tools = Json.createArrayBuilder();
            for (ToolSpecification tool : p.toolSpecifications()) {
                tools.add(parse(tool.toJson()));
            }
            b.add("tools", tools);
        }
        if (p.toolChoice() != null) {
            b.add("toolChoice", p.toolChoice().name());
        }
        ResponseFormat format = p.responseFormat();
        if (format != null) {
            JsonObjectBuilder f =
                    Json.createObjectBuilder().add("type", format.type().name());
            if (format.jsonSchema() != null) {
                putIfPresent(f, "name", format.jsonSchema().name());
                if (format.jsonSchema().rootElement() != null) {
                    Map<String, Object> schema =
                            JsonSchemaElementUtils.toMap(format.jsonSchema().rootElement());
                    f.add("schema", Json.createObjectBuilder(schema));
                }
            }
            b.add("responseFormat", f);
        }
        return b.build();
    }

    static JsonObject response(ChatResponse response, List<String> chunks) {
        AiMessage ai = response.aiMessage();
        JsonObjectBuilder b = Json.createObjectBuilder();
        putIfPresent(b, "text", ai.text());
        putIfPresent(b, "thinking", ai.thinking());
        if (ai.hasToolExecutionRequests()) {
            b.add("toolCalls", toolCalls(ai.toolExecutionRequests()));
        }
        if (chunks != null && !chunks.isEmpty()) {
            b.add("chunks", Json.createArrayBuilder(chunks));
        }
        if (response.finishReason() != null) {
            b.add("finishReason", response.finishReason().name());
        }
        TokenUsage usage = response.tokenUsage();
        if (usage != null) {
            JsonObjectBuilder u = Json.createObjectBuilder();
            if (usage.inputTokenCount() != null) {
                u.add("input", usage.inputTokenCount());
            }
            if (usage.outputTokenCount() != null) {
                u.add("output", usage.outputTokenCount());
            }
            b.add("tokenUsage", u);
        }
        putIfPresent(b, "modelName", response.modelName());
        return b.build();
    }

    static ChatResponse chatResponse(JsonObject json, String id) {
        AiMessage.Builder message =
                AiMessage.builder().text(string(json, "text")).thinking(string(json, "thinking"));
        List<ToolExecutionRequest> calls = new ArrayList<>();
        if (json.containsKey("toolCalls")) {
            for (JsonValue v : json.getJsonArray("toolCalls")) {
                JsonObject call = v.asJsonObject();
                calls.add(ToolExecutionRequest.builder()
                        .id(string(call, "id"))
                        .name(string(call, "name"))
                        .arguments(string(call, "arguments"))
                        .build());
            }
            message.toolExecutionRequests(calls);
        }
        TokenUsage usage = null;
        if (json.containsKey("tokenUsage")) {
            JsonObject u = json.getJsonObject("tokenUsage");
            usage = new TokenUsage(
                    u.containsKey("input") ? u.getInt("input") : null,
                    u.containsKey("output") ? u.getInt("output") : null);
        }
        String finish = string(json, "finishReason");
        return ChatResponse.builder()
                .aiMessage(message.build())
                .id(id)
                .modelName(string(json, "modelName"))
                .tokenUsage(usage)
                .finishReason(finish == null ? null : FinishReason.valueOf(finish))
                .build();
    }

    static List<String> chunks(JsonObject response) {
        List<String> chunks = new ArrayList<>();
        if (response.containsKey("chunks")) {
            for (JsonValue v : response.getJsonArray("chunks")) {
                chunks.add(((JsonString) v).getString());
            }
        }
        return chunks;
    }

    private static JsonArray toolCalls(List<ToolExecutionRequest> calls) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (ToolExecutionRequest call : calls) {
            JsonObjectBuilder c = Json.createObjectBuilder();
            putIfPresent(c, "id", call.id());
            putIfPresent(c, "name", call.name());
            putIfPresent(c, "arguments", call.arguments());
            a.add(c);
        }
        return a.build();
    }

    /**
     * The differences between a recorded and a requested value, as paths into the request, at most
     * {@code limit} of them.
     */
    static List<String> differences(JsonValue recorded, JsonValue requested, int limit) {
        List<String> out = new ArrayList<>();
        diff("", recorded, requested, out, limit);
        return out;
    }

    private static void diff(String path, JsonValue a, JsonValue b, List<String> out, int limit) {
        if (out.size() >= limit) {
            return;
        }
        if (a != null
                && b != null
                && a.getValueType() == JsonValue.ValueType.OBJECT
                && b.getValueType() == JsonValue.ValueType.OBJECT) {
            JsonObject x = a.asJsonObject();
            JsonObject y = b.asJsonObject();
            Set<String> keys = new LinkedHashSet<>(x.keySet());
            keys.addAll(y.keySet());
            for (String key : keys) {
                diff(path.isEmpty() ? key : path + "." + key, x.get(key), y.get(key), out, limit);
            }
        } else if (a != null
                && b != null
                && a.getValueType() == JsonValue.ValueType.ARRAY
                && b.getValueType() == JsonValue.ValueType.ARRAY) {
            JsonArray x = a.asJsonArray();
            JsonArray y = b.asJsonArray();
            for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
                diff(path + "[" + i + "]", i < x.size() ? x.get(i) : null, i < y.size() ? y.get(i) : null, out, limit);
            }
        } else if (a == null ? b != null : !a.equals(b)) {
            out.add(path + ": recorded " + show(a) + ", requested " + show(b));
        }
    }

    private static String show(JsonValue v) {
        if (v == null) {
            return "(absent)";
        }
        String s = v.toString();
        return s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN - 3) + "..." : s;
    }

    static JsonObject parse(String json) {
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    static String pretty(JsonObject json) {
        StringWriter out = new StringWriter();
        try (JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                .createWriter(out)) {
            writer.writeObject(json);
        }
        return out.toString().strip() + "\n";
    }

    static String string(JsonObject json, String key) {
        JsonValue v = json.get(key);
        return v instanceof JsonString s ? s.getString() : null;
    }

    private static void putIfPresent(JsonObjectBuilder b, String key, String value) {
        if (value != null) {
            b.add(key, value);
        }
    }
}
