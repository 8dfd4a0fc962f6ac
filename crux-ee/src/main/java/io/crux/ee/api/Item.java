package io.crux.ee.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A typed unit of output that a run shows to its client, its model or its operators:
 * a message, reasoning, a tool call and its output, a UI component, a status, a state change or
 * an error. Items belong to the run's session and are stored; their lifecycle is
 * {@link Status#IN_PROGRESS} then {@link Status#COMPLETED}, {@link Status#FAILED} or
 * {@link Status#INCOMPLETE}. Immutable (the content is an unmodifiable copy), so an item can be
 * shared between threads; {@code withX} methods copy. The factories make a {@link Status#COMPLETED}
 * item for {@link Audience#CLIENT} with a random id, except where they say otherwise. No argument
 * may be {@code null}: a {@code null} throws {@link NullPointerException}.
 *
 * @param id a unique id
 * @param type what the item is
 * @param status where it is in its lifecycle
 * @param audience who may see it
 * @param content the item's fields (JSON-B serializable values)
 */
public record Item(String id, Type type, Status status, Audience audience, Map<String, Object> content) {

    /** What an item is. */
    public enum Type {
        MESSAGE,
        REASONING,
        TOOL_CALL,
        TOOL_OUTPUT,
        COMPONENT,
        STATUS,
        STATE_CHANGE,
        ERROR
    }

    /** Lifecycle of an item. */
    public enum Status {
        IN_PROGRESS,
        COMPLETED,
        FAILED,
        INCOMPLETE
    }

    /** Who sees an item: the client (and the model), only the model, or only operators. */
    public enum Audience {
        CLIENT,
        MODEL,
        INTERNAL
    }

    /**
     * Checks the fields and copies the content.
     *
     * @throws NullPointerException if a field is {@code null}
     */
    public Item {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(audience, "audience");
        content = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(content));
    }

    private static Item of(Type type, Map<String, Object> content) {
        return new Item(UUID.randomUUID().toString(), type, Status.COMPLETED, Audience.CLIENT, content);
    }

    /**
     * @param role {@code user}, {@code assistant} or {@code system}
     * @param text the text
     * @return a completed message
     */
    public static Item message(String role, String text) {
        return of(Type.MESSAGE, Map.of("role", role, "text", text));
    }

    /**
     * @param text the reasoning text
     * @return a completed reasoning item for the model's eyes
     */
    public static Item reasoning(String text) {
        return of(Type.REASONING, Map.of("text", text)).withAudience(Audience.MODEL);
    }

    /**
     * @param callId the call's id
     * @param name the tool
     * @param arguments its arguments
     * @return a completed tool call
     */
    public static Item toolCall(String callId, String name, Map<String, Object> arguments) {
        return of(Type.TOOL_CALL, Map.of("callId", callId, "name", name, "arguments", arguments));
    }

    /**
     * @param callId the call's id
     * @param output the tool's output
     * @return a completed tool output
     */
    public static Item toolOutput(String callId, Object output) {
        return of(Type.TOOL_OUTPUT, Map.of("callId", callId, "output", output));
    }

    /**
     * @param name the component's name in the client
     * @param props its properties
     * @return a completed component
     */
    public static Item component(String name, Map<String, Object> props) {
        return of(Type.COMPONENT, Map.of("name", name, "props", props));
    }

    /**
     * @param text a short status line
     * @return a completed status item
     */
    public static Item status(String text) {
        return of(Type.STATUS, Map.of("text", text));
    }

    /**
     * @param message what went wrong
     * @return a {@link Status#FAILED} error item for the client
     */
    public static Item error(String message) {
        return new Item(
                UUID.randomUUID().toString(), Type.ERROR, Status.FAILED, Audience.CLIENT, Map.of("message", message));
    }

    /**
     * @param status the status
     * @return a copy with it
     */
    public Item withStatus(Status status) {
        return new Item(id, type, status, audience, content);
    }

    /**
     * @param audience the audience
     * @return a copy with it
     */
    public Item withAudience(Audience audience) {
        return new Item(id, type, status, audience, content);
    }

    /**
     * @param content the content
     * @return a copy with it
     */
    public Item withContent(Map<String, Object> content) {
        return new Item(id, type, status, audience, content);
    }
}
