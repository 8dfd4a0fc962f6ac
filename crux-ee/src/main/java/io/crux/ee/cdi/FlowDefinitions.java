package io.crux.ee.cdi;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.crux.ee.api.Action;
import io.crux.ee.api.Block;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.StateSchema;

/**
 * Reads a {@link FlowDefinition} class into a {@link FlowModel}, collecting every problem instead
 * of stopping at the first.
 */
public final class FlowDefinitions {

    private FlowDefinitions() {}

    /** A model, or the problems that prevent one. */
    public record Result(FlowModel model, List<String> problems) {}

    /**
     * @param type the definition class
     * @param instances supplies a contextual instance for each invocation, and releases it
     * @return the model, or problems
     */
    public static Result read(Class<?> type, InstanceSource instances) {
        FlowDefinition def = type.getAnnotation(FlowDefinition.class);
        List<String> problems = new ArrayList<>();
        if (def == null || def.value().isBlank()) {
            problems.add(Messages.blankName(type.getName()));
            return new Result(null, problems);
        }
        Map<String, ActionModel> actions = new LinkedHashMap<>();
        if (FlowHandler.class.isAssignableFrom(type)) {
            Type[] args = handlerTypeArguments(type);
            actions.put(FlowHandler.RUN, new ActionModel(FlowHandler.RUN, args[0], args[1], scope -> {
                try (InstanceSource.Lease lease = instances.acquire()) {
                    @SuppressWarnings("unchecked")
                    FlowHandler<Object, Object> handler = (FlowHandler<Object, Object>) lease.instance();
                    @SuppressWarnings("unchecked")
                    FlowScope<Object> typed = (FlowScope<Object>) scope;
                    return handler.run(typed);
                }
            }));
        }
        for (Method m : annotated(type, Action.class)) {
            Action action = m.getAnnotation(Action.class);
            String problem = checkSignature(m);
            if (action.value().isBlank()) {
                problem = "its @Action name is blank";
            }
            if (problem != null) {
                problems.add(Messages.badActionSignature(type.getName(), m.getName(), problem));
                continue;
            }
            if (actions.containsKey(action.value())) {
                problems.add(Messages.duplicateAction(type.getName(), action.value()));
                continue;
            }
            if (m.getParameterCount() == 0) {
                Type[] io = blockTypeArguments(m.getGenericReturnType());
                actions.put(action.value(), new ActionModel(action.value(), io[0], io[1], scope -> {
                    try (InstanceSource.Lease lease = instances.acquire()) {
                        Object block;
                        try {
                            block = m.invoke(lease.instance());
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (block == null) {
                            throw new IllegalStateException(
                                    Messages.blockActionReturnedNull(type.getName(), m.getName()));
                        }
                        return ActionModel.runBlock(scope, (Block<?, ?>) block);
                    }
                }));
                continue;
            }
            Type input = ((ParameterizedType) m.getGenericParameterTypes()[0]).getActualTypeArguments()[0];
            Type output = m.getReturnType() == void.class ? Void.class : m.getGenericReturnType();
            actions.put(action.value(), new ActionModel(action.value(), input, output, scope -> {
                try (InstanceSource.Lease lease = instances.acquire()) {
                    return m.invoke(lease.instance(), scope);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }));
        }
        Map<String, java.util.function.Function<ClientData.Context, Object>> views = new LinkedHashMap<>();
        for (Method m : annotated(type, ClientData.class)) {
            String name = m.getAnnotation(ClientData.class).value();
            if (!Modifier.isPublic(m.getModifiers())
                    || Modifier.isStatic(m.getModifiers())
                    || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != ClientData.Context.class
                    || m.getReturnType() == void.class) {
                problems.add(Messages.badClientData(type.getName(), m.getName()));
                continue;
            }
            views.put(name, context -> {
                try (InstanceSource.Lease lease = instances.acquire()) {
                    return m.invoke(lease.instance(), context);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        if (!def.userMessage().isEmpty() && !FlowHandler.class.isAssignableFrom(type)) {
            problems.add(Messages.badUserMessage(
                    type.getName(),
                    "(any)",
                    "@FlowDefinition(userMessage) is for a FlowHandler's action run; " + type.getName()
                            + " is not a FlowHandler, so declare @Action(userMessage = ...) on each action instead"));
        }
        for (Map.Entry<String, ActionModel> entry : actions.entrySet()) {
            ActionModel a = entry.getValue();
            String property = FlowHandler.RUN.equals(a.name()) && FlowHandler.class.isAssignableFrom(type)
                    ? def.userMessage()
                    : declaredUserMessage(type, a.name());
            UserMessages.Declared declared = UserMessages.read(type.getName(), a.name(), a.inputType(), property);
            if (declared.problem() != null) {
                problems.add(declared.problem());
            } else if (declared.text() != null) {
                entry.setValue(a.withUserMessage(declared.text()));
            }
        }
        if (actions.isEmpty() && problems.isEmpty()) {
            problems.add(Messages.noActions(type.getName()));
        }
        FlowModel model =
                new FlowModel(def.value(), def.durable(), type, actions, def.requireUser(), views, def.sessions());
        try {
            model.signals();
        } catch (FlowDefinitionException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(StateSchema.read(type, def.value()).problems());
        try {
            model.resources();
        } catch (FlowDefinitionException e) {
            problems.add(e.getMessage());
        }
        try {
            model.itemAudiences();
        } catch (FlowDefinitionException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            return new Result(null, problems);
        }
        return new Result(model, List.of());
    }

    /** @return the property an {@code @Action} method with that name declares as its user message */
    private static String declaredUserMessage(Class<?> type, String action) {
        for (Method m : annotated(type, Action.class)) {
            Action a = m.getAnnotation(Action.class);
            if (a.value().equals(action)) {
                return a.userMessage();
            }
        }
        return "";
    }

    private static List<Method> annotated(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
        List<Method> found = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(annotation) && !m.isBridge() && !m.isSynthetic()) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static String checkSignature(Method m) {
        int mod = m.getModifiers();
        if (!Modifier.isPublic(mod)) {
            return "it is not public";
        }
        if (Modifier.isStatic(mod)) {
            return "it is static";
        }
        if (m.getTypeParameters().length > 0) {
            return "it is generic";
        }
        if (m.getParameterCount() == 0 && Block.class.isAssignableFrom(m.getReturnType())) {
            Type[] io = blockTypeArguments(m.getGenericReturnType());
            return io == null
                    ? Messages.blockActionTypes(m.getGenericReturnType().getTypeName())
                    : null;
        }
        if (m.getParameterCount() != 1 || m.getParameterTypes()[0] != FlowScope.class) {
            return "it takes " + m.getParameterCount() + " parameter(s) instead of one FlowScope<I>"
                    + (m.getParameterCount() == 0 ? " and does not return a Block<I, O>" : "");
        }
        Type p = m.getGenericParameterTypes()[0];
        if (!(p instanceof ParameterizedType pt)
                || pt.getActualTypeArguments()[0] instanceof TypeVariable<?>
                || pt.getActualTypeArguments()[0] instanceof java.lang.reflect.WildcardType) {
            return "its FlowScope parameter does not name the input type";
        }
        return null;
    }

    /** Resolves I and O of {@code FlowHandler<I, O>} as implemented by {@code type}; Object where unknown. */
    static Type[] handlerTypeArguments(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType pt && pt.getRawType() == FlowHandler.class) {
                    Type[] args = pt.getActualTypeArguments();
                    return new Type[] {concrete(args[0]), concrete(args[1])};
                }
            }
        }
        return new Type[] {Object.class, Object.class};
    }

    /**
     * Resolves I and O of {@code Block<I, O>} as the given type implements it, for example through
     * {@code Sequencer<Question, Answer>}.
     *
     * @return the two types, or {@code null} if either is unknown (a raw type, a wildcard or a type variable)
     */
    static Type[] blockTypeArguments(Type type) {
        Type[] found = resolve(type, Block.class, Map.of());
        if (found == null) {
            return null;
        }
        for (Type t : found) {
            if (!(t instanceof Class<?>
                            || t instanceof ParameterizedType
                            || t instanceof java.lang.reflect.GenericArrayType)
                    || mentionsUnknown(t)) {
                return null;
            }
        }
        return found;
    }

    private static boolean mentionsUnknown(Type t) {
        if (t instanceof TypeVariable<?> || t instanceof java.lang.reflect.WildcardType) {
            return true;
        }
        if (t instanceof ParameterizedType pt) {
            for (Type a : pt.getActualTypeArguments()) {
                if (mentionsUnknown(a)) {
                    return true;
                }
            }
        }
        if (t instanceof java.lang.reflect.GenericArrayType g) {
            return mentionsUnknown(g.getGenericComponentType());
        }
        return false;
    }

    /** Walks the supertypes of {@code type}, substituting type variables, until it meets {@code target}. */
    private static Type[] resolve(Type type, Class<?> target, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> here = new java.util.HashMap<>();
        if (type instanceof ParameterizedType pt) {
            raw = (Class<?>) pt.getRawType();
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] args = pt.getActualTypeArguments();
            for (int i = 0; i < vars.length; i++) {
                here.put(vars[i], substitute(args[i], bindings));
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
            if (c.getTypeParameters().length > 0) {
                return null; // a raw use of a generic type
            }
        } else {
            return null;
        }
        if (raw == target) {
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] out = new Type[vars.length];
            for (int i = 0; i < vars.length; i++) {
                out[i] = here.get(vars[i]);
            }
            return out;
        }
        List<Type> supers = new ArrayList<>(List.of(raw.getGenericInterfaces()));
        if (raw.getGenericSuperclass() != null) {
            supers.add(raw.getGenericSuperclass());
        }
        for (Type s : supers) {
            Type[] found = resolve(s, target, here);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Type substitute(Type t, Map<TypeVariable<?>, Type> bindings) {
        return t instanceof TypeVariable<?> v && bindings.containsKey(v) ? bindings.get(v) : t;
    }

    private static Type concrete(Type t) {
        return t instanceof TypeVariable<?> || t instanceof java.lang.reflect.WildcardType ? Object.class : t;
    }

    /** Gives the engine a contextual instance of the definition bean per invocation. */
    @FunctionalInterface
    public interface InstanceSource {

        /** @return an instance, released when the lease closes */
        Lease acquire();

        /** One use of an instance. */
        interface Lease extends AutoCloseable {
            Object instance();

            @Override
            void close();
        }

        /**
         * @param supplier supplies instances that need no release
         * @return a source over the supplier
         */
        static InstanceSource of(Supplier<?> supplier) {
            return () -> {
                Object instance = supplier.get();
                return new Lease() {
                    @Override
                    public Object instance() {
                        return instance;
                    }

                    @Override
                    public void close() {}
                };
            };
        }
    }
}
