package io.crux.ee.service;

import java.lang.reflect.Type;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.crux.ee.api.ClientData;

/**
 * A flow as an edge shows it to clients: its name, whether a run needs an authenticated user, its
 * actions with their input types, and its client data functions.
 *
 * @param name the flow's name
 * @param requireUser whether a run needs an authenticated user
 * @param actions each action's input type, by action name, in declaration order
 * @param clientData the client data functions, by name
 * @param signals the payload type of each declared signal ({@link io.crux.ee.api.Signal}), by name
 * @param ephemeralSessions whether a run's session lives for its request only and is never stored
 *     ({@link io.crux.ee.api.Sessions#EPHEMERAL})
 * @param state the declared keys of each typed scope ({@link io.crux.ee.api.ScopeState}) with their
 *     types, by scope ({@code session}, {@code user}, {@code project}, {@code request}); untyped
 *     scopes are absent
 */
public record FlowKind(
        String name,
        boolean requireUser,
        Map<String, Type> actions,
        Map<String, Function<ClientData.Context, Object>> clientData,
        Map<String, Type> signals,
        boolean ephemeralSessions,
        Map<String, Map<String, Type>> state) {

    /** Copies the maps, which keep their order. */
    public FlowKind {
        Objects.requireNonNull(name, "name");
        actions = Collections.unmodifiableMap(new LinkedHashMap<>(actions));
        clientData = Collections.unmodifiableMap(new LinkedHashMap<>(clientData));
        signals = Collections.unmodifiableMap(new LinkedHashMap<>(signals));
        Map<String, Map<String, Type>> scopes = new LinkedHashMap<>();
        state.forEach((scope, keys) -> scopes.put(scope, Collections.unmodifiableMap(new LinkedHashMap<>(keys))));
        state = Collections.unmodifiableMap(scopes);
    }

    /** A flow whose sessions are stored, without typed state. */
    public FlowKind(
            String name,
            boolean requireUser,
            Map<String, Type> actions,
            Map<String, Function<ClientData.Context, Object>> clientData,
            Map<String, Type> signals) {
        this(name, requireUser, actions, clientData, signals, false, Map.of());
    }

    /** A flow that declares no signals. */
    public FlowKind(
            String name,
            boolean requireUser,
            Map<String, Type> actions,
            Map<String, Function<ClientData.Context, Object>> clientData) {
        this(name, requireUser, actions, clientData, Map.of());
    }
}
