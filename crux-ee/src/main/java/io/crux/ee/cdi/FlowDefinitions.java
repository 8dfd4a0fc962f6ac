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
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.Messages;

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
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1
                    || m.getParameterTypes()[0] != ClientData.Context.class || m.getReturnType() == void.class) {
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
        if (actions.isEmpty() && problems.isEmpty()) {
            problems.add(Messages.noActions(type.getName()));
        }
        if (!problems.isEmpty()) {
            return new Result(null, problems);
        }
        return new Result(new FlowModel(def.value(), def.durable(), type, actions, def.requireUser(), views), List.of());
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
        if (m.getParameterCount() != 1 || m.getParameterTypes()[0] != FlowScope.class) {
            return "it takes " + m.getParameterCount() + " parameter(s) instead of one FlowScope<I>";
        }
        Type p = m.getGenericParameterTypes()[0];
        if (!(p instanceof ParameterizedType pt) || pt.getActualTypeArguments()[0] instanceof TypeVariable<?>
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
