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

    /**
     * The longest number token a body may hold. A JSON-P implementation reads a number as a
     * {@code BigDecimal}: Parsson refuses one longer than 1,100 characters with an unchecked
     * exception (a 500), and an implementation without that cap spends time quadratic in the length
     * on it; no value of an input needs more than a few dozen digits.
     */
    static final int MAX_NUMBER_LENGTH = 1000;

    private JsonBodies() {}

    /**
     * A request body as JSON: strict UTF-8 (a malformed byte answers 400 instead of becoming U+FFFD),
     * nested no deeper than {@code crux.input.max-depth} and with no number longer than
     * {@value #MAX_NUMBER_LENGTH} characters, both checked while streaming, before any tree is built
     * (the parser's own limits fail with unchecked exceptions).
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
        checkShape(text, JsonSchemaCheck.maxDepth());
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

    private static void checkShape(String json, int maxDepth) {
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
                    case VALUE_NUMBER -> {
                        if (parser.getString().length() > MAX_NUMBER_LENGTH) {
                            throw Problems.problem(400, "Bad Request", Messages.numberTooLong(MAX_NUMBER_LENGTH));
                        }
                    }
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
