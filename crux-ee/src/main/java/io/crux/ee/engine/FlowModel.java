package io.crux.ee.engine;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowResource;
import io.crux.ee.api.Item;
import io.crux.ee.api.ItemAudience;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.ResourceScope;
import io.crux.ee.api.Sessions;
import io.crux.ee.api.Signal;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.catalog.Messages;

/**
 * A registered flow definition.
 *
 * @param name the flow's name
 * @param durable whether runs are checkpointed
 * @param definitionClass the bean class, whose loader decodes stored values
 * @param actions the actions by name, in declaration order
 * @param requireUser whether runs need an authenticated user
 * @param clientData the {@code @ClientData} views by name
 * @param sessions whether runs' sessions are stored or live for one request
 */
public record FlowModel(
        String name,
        boolean durable,
        Class<?> definitionClass,
        Map<String, ActionModel> actions,
        boolean requireUser,
        Map<String, Function<ClientData.Context, Object>> clientData,
        Sessions sessions) {

    public FlowModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definitionClass, "definitionClass");
        Objects.requireNonNull(sessions, "sessions");
        actions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actions));
        clientData = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clientData));
    }

    /** A flow whose sessions are stored. */
    public FlowModel(
            String name,
            boolean durable,
            Class<?> definitionClass,
            Map<String, ActionModel> actions,
            boolean requireUser,
            Map<String, Function<ClientData.Context, Object>> clientData) {
        this(name, durable, definitionClass, actions, requireUser, clientData, Sessions.PERSISTED);
    }

    /** A flow without user requirement or client-data views. */
    public FlowModel(String name, boolean durable, Class<?> definitionClass, Map<String, ActionModel> actions) {
        this(name, durable, definitionClass, actions, false, Map.of());
    }

    /** @return whether a run's session lives for the run only and is never stored */
    public boolean ephemeralSessions() {
        return sessions == Sessions.EPHEMERAL;
    }

    /**
     * @param operation what the run would do, for the message
     * @param name the suspension's name
     * @throws FlowDefinitionException if the flow's sessions are ephemeral: state would be lost
     */
    void requirePersistedSessions(String operation, String name) {
        if (ephemeralSessions()) {
            throw new FlowDefinitionException(Messages.ephemeralSuspend(this.name, operation, name));
        }
    }

    /**
     * The signals the definition declares ({@link Signal}), by name, in declaration order.
     *
     * @return the payload type of each declared signal
     * @throws FlowDefinitionException if a name is blank, holds a '/' or is declared twice, or a type is primitive
     */
    public Map<String, Class<?>> signals() {
        Map<String, Class<?>> signals = new LinkedHashMap<>();
        for (Signal signal : definitionClass.getAnnotationsByType(Signal.class)) {
            String problem = signal.value().isBlank()
                    ? "with a blank name"
                    : signal.value().contains("/")
                            ? "with a '/' in its name (a branch's suspension is named <branch>/<name>)"
                            : signal.type().isPrimitive() || signal.type() == void.class
                                    ? "with the primitive type " + signal.type() + " (declare its wrapper)"
                                    : signals.containsKey(signal.value()) ? "more than once" : null;
            if (problem != null) {
                throw new FlowDefinitionException(Messages.badSignal(name, signal.value(), problem));
            }
            signals.put(signal.value(), signal.type());
        }
        return java.util.Collections.unmodifiableMap(signals);
    }

    /**
     * The resources the definition declares ({@link FlowResource}), by name, in declaration order.
     *
     * @return each declared resource
     * @throws FlowDefinitionException if a name is not valid or declared twice, or a type is primitive ({@code CRUX0241E}),
     *     or a resource of scope SESSION is declared on a flow whose sessions are ephemeral ({@code CRUX0217E})
     */
    public Map<String, ResourceDecl<?>> resources() {
        Map<String, ResourceDecl<?>> resources = new LinkedHashMap<>();
        for (FlowResource resource : definitionClass.getAnnotationsByType(FlowResource.class)) {
            String problem = resources.containsKey(resource.name())
                    ? "more than once"
                    : ResourceDecl.problem(resource.name(), resource.type());
            if (problem != null) {
                throw new FlowDefinitionException(Messages.badResource(name, resource.name(), problem));
            }
            requireStoredSession(ResourceDecl.of(resource));
            resources.put(resource.name(), ResourceDecl.of(resource));
        }
        return java.util.Collections.unmodifiableMap(resources);
    }

    /**
     * @throws FlowDefinitionException if the resource belongs to the session and the flow's sessions are
     *     ephemeral: its entries would be stored under the run id and never deleted ({@code CRUX0217E})
     */
    void requireStoredSession(ResourceDecl<?> resource) {
        if (ephemeralSessions() && resource.scope() == ResourceScope.SESSION) {
            throw new FlowDefinitionException(Messages.ephemeralSessionResource(name, resource.name()));
        }
    }

    /**
     * @param resource a declared resource's name
     * @param type its value type
     * @param <T> the values' type
     * @return the declaration
     * @throws IllegalArgumentException if the flow declares no resource of that name and type ({@code CRUX0240E})
     */
    @SuppressWarnings("unchecked")
    <T> ResourceDecl<T> resource(String resource, Class<T> type) {
        ResourceDecl<?> declared = resources().get(resource);
        if (declared == null || !declared.type().equals(type)) {
            throw new IllegalArgumentException(Messages.resourceNotDeclared(
                    name,
                    resource,
                    type.getName(),
                    declared == null ? null : declared.type().getName()));
        }
        return (ResourceDecl<T>) declared;
    }

    /**
     * The audience each item type has in this flow's runs: its {@link ItemAudience} mappings over
     * the types' defaults.
     *
     * @return an audience for every type, never {@link Item.Audience#BY_TYPE}
     * @throws FlowDefinitionException if a type is mapped twice or to {@code BY_TYPE} (CRUX0220E)
     */
    public Map<Item.Type, Item.Audience> itemAudiences() {
        Audiences audiences = AUDIENCES.get(definitionClass);
        if (audiences.map() == null) {
            throw new FlowDefinitionException(Messages.badItemAudience(name, audiences.type(), audiences.problem()));
        }
        return audiences.map();
    }

    /** The item audiences of each definition class, read once; a bad mapping is kept as its message. */
    private static final ClassValue<Audiences> AUDIENCES = new ClassValue<>() {
        @Override
        protected Audiences computeValue(Class<?> type) {
            Map<Item.Type, Item.Audience> audiences = new EnumMap<>(Item.Type.class);
            for (Item.Type t : Item.Type.values()) {
                audiences.put(t, t.audience());
            }
            Set<Item.Type> mapped = EnumSet.noneOf(Item.Type.class);
            for (ItemAudience a : type.getAnnotationsByType(ItemAudience.class)) {
                if (a.audience() == Item.Audience.BY_TYPE || !mapped.add(a.type())) {
                    String problem = a.audience() == Item.Audience.BY_TYPE ? "to BY_TYPE" : "more than once";
                    return new Audiences(null, a.type().name(), problem);
                }
                audiences.put(a.type(), a.audience());
            }
            return new Audiences(Collections.unmodifiableMap(audiences), null, null);
        }
    };

    /** A flow's audiences, or (map {@code null}) the type mapped wrongly and how. */
    private record Audiences(Map<Item.Type, Item.Audience> map, String type, String problem) {}

    /**
     * @param signal a name a run suspends under
     * @param payloadType the type it suspends with
     * @throws FlowDefinitionException if the flow declares that signal with another type
     */
    void checkSignal(String signal, Class<?> payloadType) {
        Class<?> declared = signals().get(signal);
        if (declared != null && payloadType != null && !declared.equals(payloadType)) {
            throw new FlowDefinitionException(
                    Messages.signalTypeMismatch(name, signal, declared.getName(), payloadType.getName()));
        }
    }

    /**
     * The typed state of the flow: the {@link io.crux.ee.api.ScopeState} records of the definition
     * class and its actions, merged per scope. Scopes without a declaration are absent (untyped).
     *
     * @return the schema of each typed scope
     * @throws FlowDefinitionException if the declarations conflict or are unusable (the first problem)
     */
    public Map<io.crux.ee.api.Scope, StateSchema> state() {
        StateSchema.Read read = StateSchema.of(definitionClass);
        if (!read.problems().isEmpty()) {
            throw new FlowDefinitionException(read.problems().get(0));
        }
        return read.schemas();
    }

    /** @return the loader of the application that defined the flow */
    public ClassLoader classLoader() {
        ClassLoader loader = definitionClass.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    /**
     * @param operation what the caller would do, for the message
     * @throws FlowDefinitionException if the flow is not durable
     */
    void requireDurable(String operation) {
        if (!durable) {
            throw new FlowDefinitionException(Messages.notDurable(name, operation));
        }
    }
}
