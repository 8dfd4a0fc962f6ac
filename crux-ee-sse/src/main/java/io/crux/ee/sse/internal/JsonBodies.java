package io.crux.ee.sse.internal;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;

/** Request bodies as JSON-P values, any JSON text at top level; malformed JSON answers 400. */
public final class JsonBodies {

    private JsonBodies() {}

    /**
     * @param body the request body, possibly empty
     * @return its value; {@link JsonValue#NULL} for an empty body
     */
    public static JsonValue parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonValue.NULL;
        }
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readValue();
        } catch (JsonException e) {
            throw Problems.problem(400, "Bad Request", "The request body is not valid JSON: " + e.getMessage());
        }
    }
}
