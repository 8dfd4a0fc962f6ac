package io.crux.it.support;

import java.util.Map;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** JSON for client-side tests. */
public final class Json {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private Json() {}

    /**
     * @param json a JSON object
     * @return it as a map of maps, lists, strings, numbers and booleans
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(String json) {
        return JSONB.fromJson(json, Map.class);
    }

    /**
     * @param json a JSON array
     * @return it as a list
     */
    @SuppressWarnings("unchecked")
    public static java.util.List<Object> list(String json) {
        return JSONB.fromJson(json, java.util.List.class);
    }
}
