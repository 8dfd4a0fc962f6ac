package io.crux.ee.codec;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
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

/**
 * JSON Schema (draft 2020-12) of a Java type as JSON-B binds it: records and beans with their
 * Bean Validation constraints, scalars with their ranges, enums, times, optionals, collections
 * and maps. It is the schema {@code GET /api/flows} publishes and the one {@link JsonSchemaCheck}
 * holds action input, signal payloads and structured model output to.
 *
 * <p>A property that is not required and not primitive may be {@code null}: its {@code type}
 * lists {@code "null"}. Primitive properties may be absent (they keep their default) but not
 * {@code null}. Times are strings with a {@code format}: {@code date-time} for {@link Instant},
 * {@link OffsetDateTime} and {@link ZonedDateTime}, {@code date}, {@code time},
 * {@code local-date-time} for {@link LocalDateTime} and {@code duration}.
 */
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
        Number[] range = range(raw);
        if (raw == Void.class || raw == void.class) {
            s.put("type", "null");
        } else if (raw == String.class || raw == CharSequence.class) {
            s.put("type", "string");
        } else if (raw == Character.class || raw == char.class) {
            s.put("type", "string");
            s.put("minLength", 1);
            s.put("maxLength", 1);
        } else if (raw.isEnum()) {
            s.put("type", "string");
            s.put(
                    "enum",
                    Arrays.stream(raw.getEnumConstants())
                            .map(e -> ((Enum<?>) e).name())
                            .toList());
        } else if (format(raw) != null) {
            s.put("type", "string");
            s.put("format", format(raw));
        } else if (raw == boolean.class || raw == Boolean.class) {
            s.put("type", "boolean");
        } else if (range != null) {
            s.put("type", range[0] instanceof Long ? "integer" : "number");
            s.put("minimum", range[0]);
            s.put("maximum", range[1]);
        } else if (raw == BigInteger.class) {
            s.put("type", "integer");
        } else if (Number.class.isAssignableFrom(raw)) {
            s.put("type", "number");
        } else if (raw == Optional.class) {
            return schema(argument(type, 0), seen);
        } else if (Collection.class.isAssignableFrom(raw) || raw.isArray() || type instanceof GenericArrayType) {
            s.put("type", "array");
            Type element = type instanceof GenericArrayType g
                    ? g.getGenericComponentType()
                    : raw.isArray() ? raw.getComponentType() : argument(type, 0);
            s.put("items", schema(element, seen));
            if (Set.class.isAssignableFrom(raw)) {
                s.put("uniqueItems", true);
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            s.put("type", "object");
            Map<String, Object> values = schema(argument(type, 1), seen);
            if (!values.isEmpty()) {
                s.put("additionalProperties", values);
            }
        } else if (seen.contains(raw)
                || raw == Object.class
                || raw.isInterface()
                || Modifier.isAbstract(raw.getModifiers())) {
            // recursive types and types JSON-B cannot construct: any JSON value
            return s;
        } else {
            object(s, raw, seen);
        }
        return s;
    }

    /** The schema of a record's components or a bean's properties. */
    private static void object(Map<String, Object> s, Class<?> raw, Set<Class<?>> seen) {
        Set<Class<?>> deeper = new HashSet<>(seen);
        deeper.add(raw);
        s.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Property property : properties(raw)) {
            Map<String, Object> p = schema(property.type(), deeper);
            boolean primitive = raw(property.type()).isPrimitive();
            if (constrain(p, property.places())) {
                required.add(property.name());
            } else if (!primitive && p.get("type") instanceof String t) {
                p.put("type", List.of(t, "null"));
            }
            properties.put(property.name(), p);
        }
        s.put("properties", properties);
        if (!required.isEmpty()) {
            s.put("required", required);
        }
        s.put("additionalProperties", false);
    }

    /** A property as JSON-B names it, with the places its constraints may be declared. */
    private record Property(String name, Type type, AnnotatedElement... places) {}

    private static List<Property> properties(Class<?> raw) {
        List<Property> properties = new ArrayList<>();
        if (raw.isRecord()) {
            for (RecordComponent c : raw.getRecordComponents()) {
                Field field = field(raw, c.getName());
                AnnotatedElement[] places = field == null
                        ? new AnnotatedElement[] {c, c.getAccessor()}
                        : new AnnotatedElement[] {c, c.getAccessor(), field};
                if (!transient_(places)) {
                    properties.add(new Property(name(c.getName(), places), c.getGenericType(), places));
                }
            }
            return properties;
        }
        Set<String> names = new HashSet<>();
        try {
            for (PropertyDescriptor d :
                    Introspector.getBeanInfo(raw, Object.class).getPropertyDescriptors()) {
                if (d.getWriteMethod() == null) {
                    continue;
                }
                Field field = field(raw, d.getName());
                List<AnnotatedElement> places = new ArrayList<>(List.of(d.getWriteMethod()));
                if (d.getReadMethod() != null) {
                    places.add(d.getReadMethod());
                }
                if (field != null) {
                    places.add(field);
                }
                AnnotatedElement[] at = places.toArray(AnnotatedElement[]::new);
                if (!transient_(at)) {
                    properties.add(new Property(
                            name(d.getName(), at), d.getWriteMethod().getGenericParameterTypes()[0], at));
                }
                names.add(d.getName());
            }
        } catch (IntrospectionException e) {
            throw new IllegalArgumentException("cannot describe " + raw.getName() + ": " + e.getMessage(), e);
        }
        for (Field f : raw.getFields()) {
            int m = f.getModifiers();
            if (!Modifier.isStatic(m) && !Modifier.isFinal(m) && !names.contains(f.getName()) && !transient_(f)) {
                properties.add(new Property(name(f.getName(), f), f.getGenericType(), f));
            }
        }
        return properties;
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }

    private static boolean transient_(AnnotatedElement... places) {
        return Arrays.stream(places).anyMatch(p -> p.isAnnotationPresent(JsonbTransient.class));
    }

    private static String name(String name, AnnotatedElement... places) {
        return Arrays.stream(places)
                .map(p -> p.getAnnotation(JsonbProperty.class))
                .filter(p -> p != null && !p.value().isEmpty())
                .map(JsonbProperty::value)
                .findFirst()
                .orElse(name);
    }

    private static String format(Class<?> raw) {
        if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            return "date-time";
        }
        if (raw == LocalDate.class) {
            return "date";
        }
        if (raw == LocalTime.class) {
            return "time";
        }
        if (raw == LocalDateTime.class) {
            return "local-date-time";
        }
        return raw == Duration.class ? "duration" : null;
    }

    /**
     * The values a bounded numeric type holds. JSON-B does not refuse the others: it keeps the low
     * bits of an integer that does not fit an {@code OptionalLong}, and reads {@code 1e999} into a
     * {@code double} as infinity, which no JSON can store afterwards.
     *
     * @return the least and the greatest value ({@code Long}s for an integral type; for a floating
     *     one the shortest decimal that reads as its largest finite value, which a slightly larger
     *     number rounds down to as well), or {@code null} for an unbounded type
     */
    private static Number[] range(Class<?> raw) {
        if (raw == byte.class || raw == Byte.class) {
            return new Number[] {(long) Byte.MIN_VALUE, (long) Byte.MAX_VALUE};
        }
        if (raw == short.class || raw == Short.class) {
            return new Number[] {(long) Short.MIN_VALUE, (long) Short.MAX_VALUE};
        }
        if (raw == int.class || raw == Integer.class || raw == OptionalInt.class) {
            return new Number[] {(long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE};
        }
        if (raw == long.class || raw == Long.class || raw == OptionalLong.class) {
            return new Number[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }
        if (raw == float.class || raw == Float.class) {
            return new Number[] {-Float.MAX_VALUE, Float.MAX_VALUE};
        }
        if (raw == double.class || raw == Double.class || raw == OptionalDouble.class) {
            return new Number[] {-Double.MAX_VALUE, Double.MAX_VALUE};
        }
        return null;
    }

    /** Adds the constraints of a property to its schema; returns whether the property is required. */
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
                    narrow(p, "minimum", min.value(), true);
                } else if (a instanceof Max max) {
                    narrow(p, "maximum", max.value(), false);
                } else if (a instanceof DecimalMin min) {
                    narrow(p, min.inclusive() ? "minimum" : "exclusiveMinimum", new BigDecimal(min.value()), true);
                } else if (a instanceof DecimalMax max) {
                    narrow(p, max.inclusive() ? "maximum" : "exclusiveMaximum", new BigDecimal(max.value()), false);
                } else if (a instanceof Positive) {
                    p.put("exclusiveMinimum", 0);
                } else if (a instanceof PositiveOrZero) {
                    narrow(p, "minimum", 0, true);
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

    /**
     * Puts a bound unless the schema has a tighter one: a constraint narrows the type's own range
     * (an {@code int}'s, a {@code double}'s), never widens it.
     */
    private static void narrow(Map<String, Object> p, String key, Number bound, boolean lower) {
        if (p.get(key) instanceof Number old) {
            int c = new BigDecimal(bound.toString()).compareTo(new BigDecimal(old.toString()));
            if (lower ? c <= 0 : c >= 0) {
                return;
            }
        }
        p.put(key, bound);
    }

    private static Type argument(Type type, int index) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments().length > index) {
            Type a = p.getActualTypeArguments()[index];
            return a instanceof WildcardType w ? w.getUpperBounds()[0] : a;
        }
        return Object.class;
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof GenericArrayType g) {
            return java.lang.reflect.Array.newInstance(raw(g.getGenericComponentType()), 0)
                    .getClass();
        }
        return Object.class;
    }
}
