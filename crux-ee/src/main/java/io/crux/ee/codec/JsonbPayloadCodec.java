package io.crux.ee.codec;

import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;

/**
 * Stores values as JSON-B text with their type. The type is the runtime class, except for lists,
 * sets and maps, whose class says nothing of what they hold: those are recorded as
 * {@code java.util.List<com.example.Plan>} (also nested, and {@code java.util.Map<K,V>}) when all
 * their elements have one type, so that a step that returned {@code List.of(plan)} replays a list of
 * {@code Plan}s. They decode to an {@code ArrayList}, a {@code LinkedHashSet} or a
 * {@code LinkedHashMap}; without one element type (empty, or mixed) the elements come back as JSON
 * values.
 */
public final class JsonbPayloadCodec implements PayloadCodec {

    /** Longer descriptions are cut back to the raw collection type: the stores keep 400 characters. */
    private static final int MAX_TYPE_LENGTH = 400;

    private final Jsonb jsonb;

    public JsonbPayloadCodec() {
        this(JsonbBuilder.create());
    }

    public JsonbPayloadCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    @Override
    public Payload encode(Object value) {
        if (value == null) {
            return Payload.NULL;
        }
        try {
            String type = describe(value);
            return new Payload(type.length() <= MAX_TYPE_LENGTH ? type : raw(value), jsonb.toJson(value));
        } catch (RuntimeException e) {
            throw new CruxPersistenceException(
                    Messages.cannotEncode(value.getClass().getName(), e), null, e);
        }
    }

    @Override
    public Object decode(Payload payload, ClassLoader loader) {
        if (payload == null || payload.type() == null) {
            return null;
        }
        try {
            return jsonb.fromJson(payload.json(), new TypeReader(payload.type(), loader).read());
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new CruxPersistenceException(Messages.cannotDecode(payload.type(), e), null, e);
        }
    }

    @Override
    public Object convert(Object value, Type type) {
        if (value == null || (type instanceof Class<?> c && c.isInstance(value))) {
            return value;
        }
        try {
            String json = value instanceof CharSequence s ? s.toString() : jsonb.toJson(value);
            return jsonb.fromJson(json, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot convert " + value.getClass().getName() + " to " + type.getTypeName() + ": "
                            + Messages.describe(e),
                    e);
        }
    }

    // ---------------------------------------------------------------- describing a value's type

    /** @return the value's type: its class, or a JDK collection type with the one type of its elements */
    private static String describe(Object value) {
        String raw = raw(value);
        if (value instanceof Map<?, ?> map && raw.equals("java.util.Map")) {
            String keys = common(map.keySet());
            String values = common(map.values());
            return keys == null || values == null ? raw : raw + "<" + keys + "," + values + ">";
        }
        if (value instanceof Collection<?> c && !raw.equals(value.getClass().getName())) {
            String elements = common(c);
            return elements == null ? raw : raw + "<" + elements + ">";
        }
        return raw;
    }

    /**
     * @return {@code java.util.Set}, {@code java.util.List} or {@code java.util.Map} for the JDK's
     *     sets, lists and maps, whatever their class; the class for everything else (an
     *     application's own collection keeps its class)
     */
    private static String raw(Object value) {
        String name = value.getClass().getName();
        if (!name.startsWith("java.") || value instanceof java.util.Queue<?>) {
            return name;
        }
        return value instanceof Set<?>
                ? "java.util.Set"
                : value instanceof Map<?, ?>
                        ? "java.util.Map"
                        : value instanceof Collection<?> ? "java.util.List" : name;
    }

    /**
     * @return the one description of all values, or {@code null} if there is none; {@code null}s
     *     and empty collections fit any
     */
    private static String common(Collection<?> values) {
        String common = null;
        for (Object v : values) {
            if (v == null
                    || (v instanceof Collection<?> c && c.isEmpty())
                    || (v instanceof Map<?, ?> m && m.isEmpty())) {
                continue;
            }
            String d = describe(v);
            if (common == null) {
                common = d;
            } else if (!common.equals(d)) {
                return null;
            }
        }
        return common;
    }

    // ---------------------------------------------------------------- reading a type back

    /** Reads {@code name} or {@code name<arg,...>}, the arguments read the same way. */
    private static final class TypeReader {

        private final String text;
        private final ClassLoader loader;
        private int at;

        TypeReader(String text, ClassLoader loader) {
            this.text = text;
            this.loader = loader;
        }

        Type read() throws ClassNotFoundException {
            Type type = type();
            if (at != text.length()) {
                throw new IllegalArgumentException("unexpected '" + text.charAt(at) + "' at " + at + " in " + text);
            }
            return type;
        }

        private Type type() throws ClassNotFoundException {
            int start = at;
            while (at < text.length() && "<,>".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            Class<?> raw = concrete(Class.forName(text.substring(start, at), false, loader));
            if (at == text.length() || text.charAt(at) != '<') {
                return raw;
            }
            List<Type> arguments = new ArrayList<>();
            do {
                at++; // '<' or ','
                arguments.add(type());
            } while (at < text.length() && text.charAt(at) == ',');
            if (at == text.length() || text.charAt(at) != '>') {
                throw new IllegalArgumentException("missing '>' in " + text);
            }
            at++;
            return new Parameterized(raw, arguments.toArray(Type[]::new));
        }

        /**
         * The class to create for a collection type: the JSON-B provider cannot create interfaces,
         * nor the JDK's immutable collections (as older checkpoints name them).
         */
        private static Class<?> concrete(Class<?> type) {
            boolean creatable = !type.isInterface()
                    && !Modifier.isAbstract(type.getModifiers())
                    && Arrays.stream(type.getConstructors()).anyMatch(c -> c.getParameterCount() == 0);
            if (creatable) {
                return type;
            }
            if (Set.class.isAssignableFrom(type)) {
                return LinkedHashSet.class;
            }
            if (Collection.class.isAssignableFrom(type)) {
                return ArrayList.class;
            }
            if (Map.class.isAssignableFrom(type)) {
                return LinkedHashMap.class;
            }
            return type;
        }
    }

    private record Parameterized(Class<?> raw, Type[] arguments) implements ParameterizedType {

        @Override
        public Type[] getActualTypeArguments() {
            return arguments.clone();
        }

        @Override
        public Type getRawType() {
            return raw;
        }

        @Override
        public Type getOwnerType() {
            return null;
        }
    }
}
