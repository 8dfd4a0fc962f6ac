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

    /**
     * @param json a JSON array of objects
     * @param key a member whose values are strings, such as their ids
     * @return its value in each object, in the array's order (null where an object has none)
     */
    public static java.util.List<String> strings(String json, String key) {
        return list(json).stream().map(e -> (String) ((Map<?, ?>) e).get(key)).toList();
    }
}
