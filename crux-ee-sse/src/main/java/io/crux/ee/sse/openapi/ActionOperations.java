package io.crux.ee.sse.openapi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.crux.ee.codec.JsonSchemas;
import io.crux.ee.service.FlowKind;

/**
 * Plans the operations the OpenAPI document gets for each flow kind's actions, as plain data: the
 * path, the operation id, the component name and the published JSON schema of the input. The
 * filter turns them into the MicroProfile OpenAPI model.
 */
final class ActionOperations {

    /** The generic path of an action in a new session, below the application's path. */
    static final String ACT = "/flows/{kind}/actions/{action}";
    /** The generic path of an action in an existing session. */
    static final String ACT_IN_SESSION = "/flows/{kind}/sessions/{sessionId}/actions/{action}";
    /** The generic path of a signal to a run. */
    static final String SIGNAL = "/flows/runs/{runId}/signals/{name}";

    private ActionOperations() {}

    /**
     * One action's operation.
     *
     * @param path the concrete path, such as {@code /api/flows/help-desk/actions/ask}
     * @param kind the flow kind
     * @param action the action
     * @param inSession whether the path names an existing session ({@code {sessionId}})
     * @param operationId a unique id, for client generators
     * @param schemaName the name of the input's schema among the document's components
     * @param inputSchema the input's JSON schema, as {@code GET /flows} publishes it
     * @param requireUser whether the flow needs an authenticated user
     */
    record Planned(
            String path,
            String kind,
            String action,
            boolean inSession,
            String operationId,
            String schemaName,
            Map<String, Object> inputSchema,
            boolean requireUser) {}

    /**
     * One declared signal's operation: the runs of every kind that declares the name wait for it.
     *
     * @param path the concrete path, such as {@code /api/flows/runs/{runId}/signals/manager-approval}
     * @param signal the signal's name
     * @param operationId a unique id, for client generators
     * @param payloads the payload's schema name among the document's components, with its JSON
     *     schema, for each kind that declares the signal, by kind
     */
    record PlannedSignal(
            String path,
            String signal,
            String operationId,
            Map<String, Map.Entry<String, Map<String, Object>>> payloads) {}

    /**
     * The application's path below which the server documented the generic resources: what comes
     * before {@link #ACT} in one of the document's paths.
     *
     * @param paths the paths of the scanned document
     * @return the prefix (such as {@code /api}, possibly empty), or empty if the resources are not there
     */
    static Optional<String> prefix(Collection<String> paths) {
        return paths.stream()
                .filter(p -> p.endsWith(ACT))
                .map(p -> p.substring(0, p.length() - ACT.length()))
                .findFirst();
    }

    /**
     * @param prefix the application's path, from {@link #prefix}
     * @param kinds the flow kinds
     * @return two operations per action (new session, existing session), in the kinds' and actions' order
     */
    static List<Planned> plan(String prefix, Collection<FlowKind> kinds) {
        List<Planned> planned = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> schemaNames = new HashSet<>();
        for (FlowKind kind : kinds) {
            kind.actions().forEach((action, type) -> {
                Map<String, Object> schema = JsonSchemas.of(type);
                // two kinds may map to the same id or name (help-desk, help_desk): the later gets a suffix
                String id = unique(camel(kind.name()) + capital(camel(action)), ids, "InSession");
                String schemaName = unique(component(kind.name() + "." + action + ".input"), schemaNames, "");
                String base = prefix + "/flows/" + segment(kind.name());
                planned.add(new Planned(
                        base + "/actions/" + segment(action),
                        kind.name(),
                        action,
                        false,
                        id,
                        schemaName,
                        schema,
                        kind.requireUser()));
                planned.add(new Planned(
                        base + "/sessions/{sessionId}/actions/" + segment(action),
                        kind.name(),
                        action,
                        true,
                        id + "InSession",
                        schemaName,
                        schema,
                        kind.requireUser()));
            });
        }
        return planned;
    }

    /**
     * @param prefix the application's path, from {@link #prefix}
     * @param kinds the flow kinds
     * @param actions the actions' operations, whose ids and schema names the signals' do not take
     * @return one operation per declared signal name ({@link io.crux.ee.api.Signal}), in the kinds' order
     */
    static List<PlannedSignal> planSignals(String prefix, Collection<FlowKind> kinds, List<Planned> actions) {
        Set<String> ids = new HashSet<>();
        Set<String> schemaNames = new HashSet<>();
        actions.forEach(a -> {
            ids.add(a.operationId());
            schemaNames.add(a.schemaName());
        });
        Map<String, Map<String, Map.Entry<String, Map<String, Object>>>> bySignal = new LinkedHashMap<>();
        // kinds that declare one signal with one type share its component
        Map<String, Map<java.lang.reflect.Type, Map.Entry<String, Map<String, Object>>>> byType = new LinkedHashMap<>();
        for (FlowKind kind : kinds) {
            kind.signals().forEach((signal, type) -> {
                Map.Entry<String, Map<String, Object>> payload = byType.computeIfAbsent(
                                signal, n -> new LinkedHashMap<>())
                        .computeIfAbsent(
                                type,
                                t -> Map.entry(
                                        unique(component(kind.name() + "." + signal + ".signal"), schemaNames, ""),
                                        JsonSchemas.of(t)));
                bySignal.computeIfAbsent(signal, n -> new LinkedHashMap<>()).put(kind.name(), payload);
            });
        }
        List<PlannedSignal> planned = new ArrayList<>();
        bySignal.forEach((signal, payloads) -> planned.add(new PlannedSignal(
                prefix + "/flows/runs/{runId}/signals/" + segment(signal),
                signal,
                unique("signal" + capital(camel(signal)), ids, ""),
                payloads)));
        return planned;
    }

    /**
     * @param name the wanted name
     * @param used the names given so far; the one returned is added, and so is it with {@code also}
     * @param also a suffix whose name must be free too (the in-session operation's id)
     * @return the name, or it with the first free suffix {@code _2}, {@code _3}, ...
     */
    private static String unique(String name, Set<String> used, String also) {
        String candidate = name;
        for (int n = 2; used.contains(candidate) || (!also.isEmpty() && used.contains(candidate + also)); n++) {
            candidate = name + "_" + n;
        }
        used.add(candidate);
        if (!also.isEmpty()) {
            used.add(candidate + also);
        }
        return candidate;
    }

    /**
     * A path segment, percent-encoded (RFC 3986): every byte of its UTF-8 but the unreserved
     * characters. Written here because {@code URLEncoder} encodes HTML forms (a space becomes
     * {@code +}), not path segments.
     */
    static String segment(String name) {
        StringBuilder b = new StringBuilder();
        for (byte x : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
            }
        }
        return b.toString();
    }

    /** {@code help-desk} becomes {@code helpDesk}: operation ids that generators turn into method names. */
    static String camel(String name) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            } else {
                up = b.length() > 0;
            }
        }
        return b.toString();
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }

    /** A component name as OpenAPI allows them ({@code ^[a-zA-Z0-9.\-_]+$}). */
    static String component(String name) {
        return name.replaceAll("[^a-zA-Z0-9.\\-_]", "_");
    }
}
