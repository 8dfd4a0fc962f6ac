package io.crux.ee.sse.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Negative;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** JSON Schema (draft 2020-12) of an action's input type, from its record components and Bean Validation constraints. */
public final class JsonSchemas {

    private JsonSchemas() {}

    /**
     * @param type an input type
     * @return its schema as a JSON-B serializable map
     */
    public static Map<String, Object> of(Type type) {
        Map<String, Object> schema = schema(type, Set.of());
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        return schema;
    }

    private static Map<String, Object> schema(Type type, Set<Class<?>> seen) {
        Map<String, Object> s = new LinkedHashMap<>();
        Class<?> raw = raw(type);
        if (raw == String.class || raw == Character.class || raw == char.class || raw.isEnum()
                || Temporal.class.isAssignableFrom(raw)) {
            s.put("type", "string");
            if (raw.isEnum()) {
                s.put("enum", Arrays.stream(raw.getEnumConstants()).map(Object::toString).toList());
            }
        } else if (raw == boolean.class || raw == Boolean.class) {
            s.put("type", "boolean");
        } else if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class || raw == short.class
                || raw == Short.class || raw == byte.class || raw == Byte.class || raw == BigInteger.class) {
            s.put("type", "integer");
        } else if (Number.class.isAssignableFrom(raw) || raw == double.class || raw == float.class || raw == BigDecimal.class) {
            s.put("type", "number");
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            s.put("type", "array");
            Type element = raw.isArray() ? raw.getComponentType()
                    : type instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            s.put("items", schema(element, seen));
        } else if (Map.class.isAssignableFrom(raw)) {
            s.put("type", "object");
        } else if (raw.isRecord() && !seen.contains(raw)) {
            Set<Class<?>> deeper = new java.util.HashSet<>(seen);
            deeper.add(raw);
            s.put("type", "object");
            Map<String, Object> properties = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            for (RecordComponent c : raw.getRecordComponents()) {
                Map<String, Object> p = schema(c.getGenericType(), deeper);
                if (constrain(p, c, c.getAccessor())) {
                    required.add(c.getName());
                }
                properties.put(c.getName(), p);
            }
            s.put("properties", properties);
            if (!required.isEmpty()) {
                s.put("required", required);
            }
            s.put("additionalProperties", false);
        } else if (raw != Object.class) {
            s.put("type", "object");
        }
        return s;
    }

    /** Adds the constraints of a component to its schema; returns whether the component is required. */
    private static boolean constrain(Map<String, Object> p, AnnotatedElement... places) {
        boolean required = false;
        for (AnnotatedElement place : places) {
            for (Annotation a : place.getAnnotations()) {
                if (a instanceof NotNull) {
                    required = true;
                } else if (a instanceof NotBlank) {
                    required = true;
                    p.put("minLength", 1);
                    p.put("pattern", ".*\\S.*");
                } else if (a instanceof NotEmpty) {
                    required = true;
                    p.put("array".equals(p.get("type")) ? "minItems" : "minLength", 1);
                } else if (a instanceof Size size) {
                    boolean array = "array".equals(p.get("type"));
                    if (size.min() > 0) {
                        p.put(array ? "minItems" : "minLength", size.min());
                    }
                    if (size.max() < Integer.MAX_VALUE) {
                        p.put(array ? "maxItems" : "maxLength", size.max());
                    }
                } else if (a instanceof Min min) {
                    p.put("minimum", min.value());
                } else if (a instanceof Max max) {
                    p.put("maximum", max.value());
                } else if (a instanceof DecimalMin min) {
                    p.put(min.inclusive() ? "minimum" : "exclusiveMinimum", new BigDecimal(min.value()));
                } else if (a instanceof DecimalMax max) {
                    p.put(max.inclusive() ? "maximum" : "exclusiveMaximum", new BigDecimal(max.value()));
                } else if (a instanceof Positive) {
                    p.put("exclusiveMinimum", 0);
                } else if (a instanceof PositiveOrZero) {
                    p.put("minimum", 0);
                } else if (a instanceof Negative) {
                    p.put("exclusiveMaximum", 0);
                } else if (a instanceof Pattern pattern) {
                    p.put("pattern", pattern.regexp());
                } else if (a instanceof Email) {
                    p.put("format", "email");
                }
            }
        }
        return required;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }
}
