package io.crux.ee.langchain4j;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.service.output.JsonSchemas;
import dev.langchain4j.service.output.ServiceOutputParser;

import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.codec.JsonSchemaCheck;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/**
 * The structured output of a generator: the JSON schema and format instructions that LangChain4j
 * derives from the type, and the parse of a reply: held to the type's JSON schema
 * ({@link JsonSchemaCheck}, as action input is), bound by JSON-B and checked by Bean Validation.
 */
final class StructuredOutput<R> {

    private final Class<R> type;
    private final JsonSchema schema;
    /** The schema a reply is held to, the same as for action input. */
    private final Map<String, Object> inputSchema;

    private final String instructions;

    private StructuredOutput(Class<R> type) {
        this.type = type;
        this.schema = JsonSchemas.jsonSchemaFrom(type).orElse(null);
        this.inputSchema = io.crux.ee.codec.JsonSchemas.of(type);
        this.instructions =
                new ServiceOutputParser().outputFormatInstructions(type).strip();
    }

    static <R> StructuredOutput<R> of(Class<R> type) {
        return new StructuredOutput<>(type);
    }

    Class<R> type() {
        return type;
    }

    /**
     * @return the JSON-schema response format when the model declares support for it, else
     *     {@code null}: then {@link #instructions(Set)} describes the format in the prompt
     */
    ResponseFormat responseFormat(Set<Capability> capabilities) {
        if (schema != null && capabilities.contains(Capability.RESPONSE_FORMAT_JSON_SCHEMA)) {
            return ResponseFormat.builder()
                    .type(ResponseFormatType.JSON)
                    .jsonSchema(schema)
                    .build();
        }
        return null;
    }

    /** @return format instructions for the system message, or empty when the response format carries the schema */
    String instructions(Set<Capability> capabilities) {
        return responseFormat(capabilities) != null ? "" : instructions;
    }

    /** A parsed reply, or why it was rejected. */
    record Parsed<R>(R value, String problem) {
        boolean valid() {
            return problem == null;
        }
    }

    Parsed<R> parse(String text, PayloadCodec codec, InputValidator validator) {
        String json = jsonPart(text);
        if (json.isEmpty()) {
            return new Parsed<>(null, "it contains no JSON value");
        }
        JsonValue parsed;
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            parsed = reader.readValue();
        } catch (JsonException e) {
            return new Parsed<>(null, "it is not a JSON " + type.getSimpleName() + ": " + e.getMessage());
        }
        List<Violation> mismatches = JsonSchemaCheck.check(parsed, inputSchema);
        if (!mismatches.isEmpty()) {
            return new Parsed<>(
                    null, "it does not fit the schema of " + type.getSimpleName() + ": " + describe(mismatches));
        }
        Object converted;
        try {
            converted = codec.convert(json, type);
        } catch (RuntimeException e) {
            return new Parsed<>(null, "it is not a JSON " + type.getSimpleName() + ": " + e.getMessage());
        }
        if (converted == null) {
            return new Parsed<>(null, "it is null");
        }
        R value = type.cast(converted);
        List<Violation> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            return new Parsed<>(null, "it breaks these constraints: " + describe(violations));
        }
        return new Parsed<>(value, null);
    }

    private static String describe(List<Violation> violations) {
        return violations.stream()
                .map(v -> (v.field().isEmpty() ? "" : v.field() + ": ") + v.message())
                .collect(Collectors.joining("; "));
    }

    static String repairPrompt(String problem) {
        return "Your last reply cannot be used because " + problem
                + ". Reply again with only the corrected JSON, and nothing else.";
    }

    /** The JSON in a reply: models often wrap it in a Markdown code fence or a sentence. */
    private static String jsonPart(String text) {
        if (text == null) {
            return "";
        }
        String t = text.strip();
        int start = -1;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{' || c == '[') {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return t;
        }
        char close = t.charAt(start) == '{' ? '}' : ']';
        int end = t.lastIndexOf(close);
        return end > start ? t.substring(start, end + 1) : t.substring(start);
    }
}
