package io.crux.ee.sse.internal;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonSchemaCheck;

/** Request bodies as JSON-P values, any JSON text at top level; malformed JSON answers 400. */
public final class JsonBodies {

    private JsonBodies() {}

    /**
     * A request body as JSON: strict UTF-8 (a malformed byte answers 400 instead of becoming U+FFFD),
     * nested no deeper than {@code crux.input.max-depth}, which is checked while streaming, before any
     * tree is built (the parser's own limit is far deeper and fails with an unchecked exception).
     *
     * @param body the request body, possibly empty
     * @return its value; {@link JsonValue#NULL} for an empty body
     */
    public static JsonValue request(byte[] body) {
        if (body == null || body.length == 0) {
            return JsonValue.NULL;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw Problems.problem(400, "Bad Request", "The request body is not valid UTF-8.");
        }
        if (text.isBlank()) {
            return JsonValue.NULL;
        }
        checkDepth(text, JsonSchemaCheck.maxDepth());
        return parse(text);
    }

    /**
     * @param json JSON text, possibly empty
     * @return its value; {@link JsonValue#NULL} for an empty text
     */
    public static JsonValue parse(String json) {
        if (json == null || json.isBlank()) {
            return JsonValue.NULL;
        }
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw malformed(e);
        }
    }

    private static void checkDepth(String json, int maxDepth) {
        try (JsonParser parser = Json.createParser(new StringReader(json))) {
            int depth = 0;
            while (parser.hasNext()) {
                switch (parser.next()) {
                    case START_ARRAY, START_OBJECT -> {
                        if (++depth > maxDepth) {
                            throw Problems.problem(400, "Bad Request", Messages.inputTooDeep(maxDepth));
                        }
                    }
                    case END_ARRAY, END_OBJECT -> depth--;
                    default -> {}
                }
            }
        } catch (JsonException e) {
            throw malformed(e);
        }
    }

    private static RuntimeException malformed(JsonException e) {
        return Problems.problem(400, "Bad Request", "The request body is not valid JSON: " + e.getMessage());
    }
}
