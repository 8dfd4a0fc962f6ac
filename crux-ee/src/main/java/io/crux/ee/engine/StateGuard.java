package io.crux.ee.engine;

import java.io.StringReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonSchemaCheck;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/**
 * Checks writes to a typed state document against its {@link StateSchema}: declared keys only,
 * values of the key's type (as JSON, without lenient conversions) and within the constraints of
 * every record that declares the key.
 */
final class StateGuard {

    private final StateSchema schema;
    private final PayloadCodec codec;
    private final InputValidator validator;
    private final String flowId;

    StateGuard(StateSchema schema, PayloadCodec codec, InputValidator validator, String flowId) {
        this.schema = schema;
        this.codec = codec;
        this.validator = validator;
        this.flowId = flowId;
    }

    StateSchema schema() {
        return schema;
    }

    /**
     * @param values keys and their new values; a {@code null} value removes its key
     * @throws InvalidInputException if a key is undeclared or a value does not fit
     */
    void checkWrite(Map<String, ?> values) {
        Set<String> undeclared = new TreeSet<>();
        List<Violation> violations = new ArrayList<>();
        values.forEach((key, value) -> {
            StateSchema.Field field = schema.fields().get(key);
            if (field == null) {
                if (value != null) {
                    undeclared.add(key);
                }
            } else if (value != null) {
                violations.addAll(checkValue(field.name(), field.type(), field, value));
            }
        });
        if (!undeclared.isEmpty()) {
            List<Violation> v = undeclared.stream()
                    .map(k -> new Violation(k, "not declared in the " + scope() + " state"))
                    .toList();
            throw new InvalidInputException(
                    Messages.undeclaredStateKeys(schema.flow(), scope(), undeclared), flowId, v);
        }
        refuse(violations);
    }

    /** @throws InvalidInputException unless the key is declared with an integral type */
    void checkIncrement(String key) {
        StateSchema.Field field = declared(key);
        Class<?> raw = raw(field.type());
        if (!(raw == int.class
                || raw == long.class
                || raw == short.class
                || raw == byte.class
                || raw == Integer.class
                || raw == Long.class
                || raw == Short.class
                || raw == Byte.class
                || raw == BigInteger.class)) {
            throw operation("inc", field);
        }
    }

    /** @throws InvalidInputException unless the key is a declared list and the element fits it */
    void checkPush(String key, Object element) {
        StateSchema.Field field = declared(key);
        if (!List.class.isAssignableFrom(raw(field.type())) && !Collection.class.equals(raw(field.type()))) {
            throw operation("push", field);
        }
        Type elementType = field.type() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
        if (element != null) {
            refuse(checkValue(key + "[]", elementType, null, element));
        }
    }

    /**
     * Checks a whole record written through a typed view: its own constraints, and those of the other
     * records that declare its keys.
     */
    void checkRecord(Record record, Map<String, Object> values) {
        List<Violation> violations = new ArrayList<>(validator.validate(record));
        values.forEach((key, value) -> {
            StateSchema.Field field = schema.fields().get(key);
            for (StateSchema.Declaration d : field.declarations()) {
                if (d.type() != record.getClass()) {
                    violations.addAll(validator.validateProperty(d.type(), key, value));
                }
            }
        });
        refuse(violations.stream().distinct().toList());
    }

    private List<Violation> checkValue(String name, Type type, StateSchema.Field field, Object value) {
        List<Violation> violations = new ArrayList<>();
        JsonValue json;
        try (JsonReader reader =
                Json.createReader(new StringReader(codec.encode(value).json()))) {
            json = reader.readValue();
        } catch (RuntimeException e) {
            return List.of(new Violation(name, "cannot be written as JSON: " + Messages.describe(e)));
        }
        for (Violation v : JsonSchemaCheck.check(json, type)) {
            violations.add(nested(name, v));
        }
        if (!violations.isEmpty()) {
            return violations;
        }
        Object typed;
        try {
            typed = typed(codec, value, type);
        } catch (IllegalArgumentException e) {
            return List.of(new Violation(name, e.getMessage()));
        }
        if (field != null) {
            for (StateSchema.Declaration d : field.declarations()) {
                violations.addAll(validator.validateProperty(d.type(), field.name(), typed));
            }
        }
        if (typed != null && !typed.getClass().getName().startsWith("java.")) {
            for (Violation v : validator.validate(typed)) {
                violations.add(nested(name, v));
            }
        }
        return violations.stream().distinct().toList();
    }

    /**
     * Converts a value to a type through its JSON: the codec takes a string for JSON text, so a
     * string is encoded first unless it already is of the type.
     */
    static Object typed(PayloadCodec codec, Object value, Type type) {
        if (value == null || (type instanceof Class<?> c && c.isInstance(value))) {
            return value;
        }
        return codec.convert(codec.encode(value).json(), type);
    }

    private static Violation nested(String name, Violation v) {
        if (v.field() == null || v.field().isEmpty()) {
            return new Violation(name, v.message());
        }
        return new Violation(name + (v.field().startsWith("[") ? "" : ".") + v.field(), v.message());
    }

    private StateSchema.Field declared(String key) {
        StateSchema.Field field = schema.fields().get(key);
        if (field == null) {
            throw new InvalidInputException(
                    Messages.undeclaredStateKeys(schema.flow(), scope(), List.of(key)),
                    flowId,
                    List.of(new Violation(key, "not declared in the " + scope() + " state")));
        }
        return field;
    }

    private InvalidInputException operation(String operation, StateSchema.Field field) {
        String message = Messages.stateOperationType(
                schema.flow(), scope(), operation, field.name(), field.type().getTypeName());
        return new InvalidInputException(message, flowId, List.of(new Violation(field.name(), message)));
    }

    private void refuse(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidInputException(
                    Messages.invalidStateValue(schema.flow(), scope(), violations), flowId, violations);
        }
    }

    private String scope() {
        return schema.scope().key();
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
