package io.crux.ee.engine;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;
import io.crux.ee.catalog.Messages;

/**
 * The merged keys of one scope's state document, from the {@link ScopeState} records of a flow
 * class and its actions.
 */
public final class StateSchema {

    /**
     * One record that declares keys.
     *
     * @param type the record
     * @param where where it is declared, for messages
     */
    public record Declaration(Class<?> type, String where) {
        @Override
        public String toString() {
            return type.getSimpleName() + " (" + where + ")";
        }
    }

    /**
     * One key.
     *
     * @param name the key
     * @param type its type, the record component's generic type
     * @param declarations the records that declare it, first first
     */
    public record Field(String name, Type type, List<Declaration> declarations) {}

    /**
     * The schemas of a flow, or why there are none.
     *
     * @param schemas by scope; only typed scopes
     * @param problems the deployment problems, empty when the schemas are usable
     */
    public record Read(Map<Scope, StateSchema> schemas, List<String> problems) {}

    private static final ClassValue<Read> CACHE = new ClassValue<>() {
        @Override
        protected Read computeValue(Class<?> type) {
            FlowDefinition def = type.getAnnotation(FlowDefinition.class);
            return read(type, def == null ? type.getSimpleName() : def.value());
        }
    };

    private final String flow;
    private final Scope scope;
    private final Map<String, Field> fields;

    private StateSchema(String flow, Scope scope, Map<String, Field> fields) {
        this.flow = flow;
        this.scope = scope;
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** @return the scope */
    public Scope scope() {
        return scope;
    }

    /** @return the keys, in declaration order */
    public Map<String, Field> fields() {
        return fields;
    }

    /**
     * @param definitionClass a flow definition class
     * @return its schemas and problems, read once per class
     */
    public static Read of(Class<?> definitionClass) {
        return CACHE.get(definitionClass);
    }

    /**
     * Merges the declarations of a flow class (first) and of its {@link Action} methods.
     *
     * @param definitionClass the flow class
     * @param flow the flow's name, for messages
     * @return the schemas of the typed scopes and the problems found
     */
    public static Read read(Class<?> definitionClass, String flow) {
        List<String> problems = new ArrayList<>();
        Map<Scope, Map<String, Field>> merged = new EnumMap<>(Scope.class);
        declare(flow, definitionClass, "the flow class " + definitionClass.getName(), merged, problems);
        for (Class<?> c = definitionClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isBridge() || m.isSynthetic() || m.getAnnotationsByType(ScopeState.class).length == 0) {
                    continue;
                }
                Action action = m.getAnnotation(Action.class);
                String where = action == null
                        ? "the method " + c.getName() + "." + m.getName()
                        : "the action '" + action.value() + "' (" + c.getName() + "." + m.getName() + ")";
                if (action == null) {
                    problems.add(Messages.badStateDeclaration(flow, where, "the method is not an @Action"));
                    continue;
                }
                declare(flow, m, where, merged, problems);
            }
        }
        Map<Scope, StateSchema> schemas = new EnumMap<>(Scope.class);
        merged.forEach((scope, fields) -> schemas.put(scope, new StateSchema(flow, scope, fields)));
        return new Read(Collections.unmodifiableMap(schemas), List.copyOf(problems));
    }

    private static void declare(
            String flow,
            java.lang.reflect.AnnotatedElement element,
            String where,
            Map<Scope, Map<String, Field>> merged,
            List<String> problems) {
        List<Scope> seen = new ArrayList<>();
        for (ScopeState state : element.getAnnotationsByType(ScopeState.class)) {
            if (seen.contains(state.scope())) {
                problems.add(Messages.badStateDeclaration(
                        flow, where, "the scope " + state.scope() + " is declared more than once"));
                continue;
            }
            seen.add(state.scope());
            if (!state.type().isRecord()) {
                problems.add(
                        Messages.badStateDeclaration(flow, where, state.type().getName() + " is not a record"));
                continue;
            }
            Map<String, Field> fields = merged.computeIfAbsent(state.scope(), s -> new LinkedHashMap<>());
            Declaration declaration = new Declaration(state.type(), where);
            for (RecordComponent c : state.type().getRecordComponents()) {
                Field known = fields.get(c.getName());
                if (known == null) {
                    fields.put(c.getName(), new Field(c.getName(), c.getGenericType(), List.of(declaration)));
                } else if (!sameType(known.type(), c.getGenericType())) {
                    problems.add(Messages.stateFieldConflict(
                            flow,
                            state.scope().key(),
                            c.getName(),
                            known.type().getTypeName(),
                            known.declarations().get(0).toString(),
                            c.getGenericType().getTypeName(),
                            declaration.toString()));
                } else {
                    List<Declaration> all = new ArrayList<>(known.declarations());
                    all.add(declaration);
                    fields.put(c.getName(), new Field(c.getName(), known.type(), List.copyOf(all)));
                }
            }
        }
    }

    /**
     * Checks a view's record against this schema: each component must be a key with the same type.
     *
     * @param view the record
     * @return the view's keys, declared by the view and the records of the schema
     * @throws io.crux.ee.api.exception.FlowDefinitionException if a component is missing or has another type
     */
    StateSchema view(Class<?> view) {
        Map<String, Field> own = new LinkedHashMap<>();
        Declaration declaration = new Declaration(view, "a typed view");
        for (RecordComponent c : view.getRecordComponents()) {
            Field known = fields.get(c.getName());
            if (known == null) {
                throw new io.crux.ee.api.exception.FlowDefinitionException(Messages.stateViewMismatch(
                        flow,
                        scope.key(),
                        view.getName(),
                        "its key '" + c.getName() + "' is not declared by any @ScopeState record of the scope"));
            }
            if (!sameType(known.type(), c.getGenericType())) {
                throw new io.crux.ee.api.exception.FlowDefinitionException(Messages.stateViewMismatch(
                        flow,
                        scope.key(),
                        view.getName(),
                        "its key '" + c.getName() + "' is " + c.getGenericType().getTypeName() + ", but "
                                + known.declarations().get(0) + " declares it as "
                                + known.type().getTypeName()));
            }
            List<Declaration> all = new ArrayList<>(known.declarations());
            if (!all.stream().anyMatch(d -> d.type() == view)) {
                all.add(declaration);
            }
            own.put(c.getName(), new Field(c.getName(), known.type(), List.copyOf(all)));
        }
        return new StateSchema(flow, scope, own);
    }

    /**
     * @param flow the flow's name
     * @param scope the scope
     * @param view a record
     * @return the schema of the record alone, for a view of an untyped scope
     */
    static StateSchema ofRecord(String flow, Scope scope, Class<?> view) {
        Map<String, Field> own = new LinkedHashMap<>();
        Declaration declaration = new Declaration(view, "a typed view");
        for (RecordComponent c : view.getRecordComponents()) {
            own.put(c.getName(), new Field(c.getName(), c.getGenericType(), List.of(declaration)));
        }
        return new StateSchema(flow, scope, own);
    }

    /** @return the flow's name */
    String flow() {
        return flow;
    }

    private static boolean sameType(Type a, Type b) {
        return boxed(a).equals(boxed(b));
    }

    private static Type boxed(Type t) {
        if (t instanceof Class<?> c && c.isPrimitive()) {
            return java.lang.invoke.MethodType.methodType(c).wrap().returnType();
        }
        return t;
    }
}
