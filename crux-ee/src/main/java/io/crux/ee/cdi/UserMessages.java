package io.crux.ee.cdi;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import jakarta.json.bind.annotation.JsonbProperty;

import io.crux.ee.api.UserMessage;
import io.crux.ee.catalog.Messages;

/**
 * Reads how an action's input becomes the request's user message: a named {@code String} property
 * of the input type, or the input's own {@link UserMessage}.
 */
final class UserMessages {

    private UserMessages() {}

    /** How the input becomes the message's text ({@code null} for none), or why the declaration cannot be used. */
    record Declared(Function<Object, String> text, String problem) {}

    /**
     * @param type the definition class, for the message
     * @param action the action's name, for the message
     * @param inputType the action's input type
     * @param property the property named by the declaration, or empty
     * @return how the input becomes the text; {@code text} null when there is no user message
     */
    static Declared read(String type, String action, Type inputType, String property) {
        Class<?> raw = raw(inputType);
        if (property.isEmpty()) {
            return raw != null && UserMessage.class.isAssignableFrom(raw)
                    ? new Declared(input -> input == null ? null : ((UserMessage) input).userMessage(), null)
                    : new Declared(null, null);
        }
        if (raw == null || raw.isPrimitive() || raw.isArray() || raw.getName().startsWith("java.")) {
            return problem(type, action, "its input type " + inputType.getTypeName() + " has no properties");
        }
        Member reader = reader(raw, property);
        if (reader == null) {
            return problem(
                    type,
                    action,
                    "its input type " + raw.getName() + " has no property '" + property + "' (its properties are "
                            + names(raw) + ")");
        }
        Class<?> valueType = reader instanceof Method m ? m.getReturnType() : ((Field) reader).getType();
        if (valueType != String.class) {
            return problem(
                    type,
                    action,
                    "the property '" + property + "' of " + raw.getName() + " is a " + valueType.getName()
                            + ", not a String");
        }
        return new Declared(input -> input == null ? null : (String) read(reader, input), null);
    }

    private static Declared problem(String type, String action, String problem) {
        return new Declared(null, Messages.badUserMessage(type, action, problem));
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        return t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c ? c : null;
    }

    /** The accessor, getter or public field that JSON-B reads the property through, by its JSON name. */
    private static Member reader(Class<?> type, String property) {
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                if (property.equals(jsonName(rc.getName(), rc.getAnnotation(JsonbProperty.class), rc.getAccessor()))) {
                    return rc.getAccessor();
                }
            }
            return null;
        }
        for (Method m : type.getMethods()) {
            String name = beanName(m);
            if (name != null && property.equals(jsonName(name, m.getAnnotation(JsonbProperty.class), null))) {
                return m;
            }
        }
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())
                    && property.equals(jsonName(f.getName(), f.getAnnotation(JsonbProperty.class), null))) {
                return f;
            }
        }
        return null;
    }

    private static String jsonName(String name, JsonbProperty onIt, Method accessor) {
        JsonbProperty annotation =
                onIt != null ? onIt : accessor == null ? null : accessor.getAnnotation(JsonbProperty.class);
        return annotation != null && !annotation.value().isEmpty() ? annotation.value() : name;
    }

    /** @return the property a public getter reads ({@code getX}, {@code isX}), or null */
    private static String beanName(Method m) {
        if (Modifier.isStatic(m.getModifiers())
                || m.getParameterCount() != 0
                || m.getDeclaringClass() == Object.class) {
            return null;
        }
        String n = m.getName();
        int prefix = n.startsWith("get") ? 3 : n.startsWith("is") ? 2 : 0;
        if (prefix == 0 || n.length() == prefix) {
            return null;
        }
        return n.substring(prefix, prefix + 1).toLowerCase(Locale.ROOT) + n.substring(prefix + 1);
    }

    private static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent rc : type.getRecordComponents()) {
                names.add(jsonName(rc.getName(), rc.getAnnotation(JsonbProperty.class), rc.getAccessor()));
            }
            return names;
        }
        for (Method m : type.getMethods()) {
            String name = beanName(m);
            if (name != null) {
                names.add(jsonName(name, m.getAnnotation(JsonbProperty.class), null));
            }
        }
        for (Field f : type.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                names.add(jsonName(f.getName(), f.getAnnotation(JsonbProperty.class), null));
            }
        }
        return names;
    }

    private static Object read(Member reader, Object input) {
        try {
            return reader instanceof Method m ? m.invoke(input) : ((Field) reader).get(input);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
