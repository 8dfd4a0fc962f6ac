package io.crux.ee.engine;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopedState;
import io.crux.ee.api.TypedState;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.PayloadCodec;

/** A state document read and written as a record, through a guard made of the record's keys. */
final class TypedStateView<S extends Record> implements TypedState<S> {

    private final Scope scope;
    private final Class<S> type;
    private final StoredState state;
    private final StoredState checked;
    private final PayloadCodec codec;
    private final RecordComponent[] components;
    private final Constructor<S> constructor;

    TypedStateView(Scope scope, Class<S> type, StoredState state, StateGuard guard, PayloadCodec codec) {
        this.scope = scope;
        this.type = type;
        this.state = state;
        this.checked = state.withGuard(guard);
        this.codec = codec;
        this.components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException e) {
            throw new IllegalArgumentException("no canonical constructor of " + type.getName(), e);
        }
    }

    @Override
    public Scope scope() {
        return scope;
    }

    @Override
    public Class<S> type() {
        return type;
    }

    @Override
    public S get() {
        return read(state.snapshot());
    }

    @Override
    public S update(UnaryOperator<S> change) {
        Set<String>[] touched = new Set[1];
        S stored = state.documents().update(doc -> {
            S next = Objects.requireNonNull(change.apply(read(doc)), "the change returned null");
            Map<String, Object> values = values(next);
            checked.guard().checkRecord(next, values);
            Set<String> keys = new TreeSet<>();
            values.forEach((key, value) -> {
                Object before = doc.get(key);
                if (value == null) {
                    if (doc.remove(key) != null) {
                        keys.add(key);
                    }
                } else {
                    doc.put(key, value);
                    if (!Objects.equals(
                            StateGuard.typed(codec, before, components(key).getGenericType()), value)) {
                        keys.add(key);
                    }
                }
            });
            touched[0] = keys;
            return next;
        });
        state.changed(touched[0]);
        return stored;
    }

    @Override
    public void set(String field, Object value) {
        checked.set(field, value);
    }

    @Override
    public long inc(String field, long delta) {
        return checked.inc(field, delta);
    }

    @Override
    public int push(String field, Object element) {
        return checked.push(field, element);
    }

    @Override
    public ScopedState untyped() {
        return state;
    }

    private RecordComponent components(String key) {
        for (RecordComponent c : components) {
            if (c.getName().equals(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException(key);
    }

    private Map<String, Object> values(S record) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (RecordComponent c : components) {
            try {
                c.getAccessor().setAccessible(true);
                values.put(c.getName(), c.getAccessor().invoke(record));
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
        }
        return values;
    }

    private S read(Map<String, Object> doc) {
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            Object value = doc.get(c.getName());
            try {
                args[i] = value == null ? empty(c.getType()) : StateGuard.typed(codec, value, c.getGenericType());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        Messages.unreadableState(
                                scope.key(), c.getName(), c.getGenericType().getTypeName(), e.getMessage()),
                        e);
            }
        }
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<Class<?>, Object> EMPTY = new HashMap<>(Map.of(
            boolean.class,
            false,
            byte.class,
            (byte) 0,
            short.class,
            (short) 0,
            int.class,
            0,
            long.class,
            0L,
            float.class,
            0f,
            double.class,
            0d,
            char.class,
            '\0'));

    private static Object empty(Class<?> type) {
        return type.isPrimitive() ? EMPTY.get(type) : null;
    }
}
