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
 * item with a random id and the audience {@link Audience#BY_TYPE}, except where they say otherwise.
 * No argument may be {@code null}: a {@code null} throws {@link NullPointerException}.
 *
 * <p><b>Audience.</b> An item of audience {@link Audience#BY_TYPE} gets its audience when it is
 * emitted: the one its flow maps its type to ({@link ItemAudience}), else its type's
 * {@linkplain Type#audience() default}. An audience given with {@link #withAudience(Audience)} is
 * kept as it is, whatever the flow maps. Items are stored with a resolved audience, never
 * {@code BY_TYPE}. Only {@link Audience#CLIENT} items are streamed to the client and listed by the
 * client's items endpoint; the model sees {@code CLIENT} and {@code MODEL} items; operators (the
 * devtools) see all.
 *
 * @param id a unique id
 * @param type what the item is
 * @param status where it is in its lifecycle
 * @param audience who may see it
 * @param content the item's fields (JSON-B serializable values)
 */
public record Item(String id, Type type, Status status, Audience audience, Map<String, Object> content) {

    /** What an item is, with the audience its items get unless the flow or the item says otherwise. */
    public enum Type {
        /** A message of the user, the assistant or the system; for the client. */
        MESSAGE(Audience.CLIENT),
        /** The model's reasoning; for the model. */
        REASONING(Audience.MODEL),
        /** A tool call the model asked for; for the model. */
        TOOL_CALL(Audience.MODEL),
        /** A tool's result; for the model. */
        TOOL_OUTPUT(Audience.MODEL),
        /** A UI component the client renders by name; for the client. */
        COMPONENT(Audience.CLIENT),
        /** A short status line; for the client. */
        STATUS(Audience.CLIENT),
        /** A change of state shown to the client; for the client. */
        STATE_CHANGE(Audience.CLIENT),
        /** An error shown to the client; for the client. */
        ERROR(Audience.CLIENT),
        /** Text that feeds the model's context (facts, documents, instructions) and is not shown; for the model. */
        CONTEXT(Audience.MODEL),
        /** A block's output kept for the devtools; for operators only. */
        BLOCK_OUTPUT(Audience.INTERNAL);

        private final Audience audience;

        Type(Audience audience) {
            this.audience = audience;
        }

        /**
         * @return the audience items of this type get when their flow maps the type to none
         *     ({@link ItemAudience}) and they name none themselves; never {@link Audience#BY_TYPE}
         */
        public Audience audience() {
            return audience;
        }
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
        /** Streamed to the client, listed to it, and part of the model's history. */
        CLIENT,
        /** Stored and part of the model's history; never streamed or listed to the client. */
        MODEL,
        /** Stored for operators (the devtools) only. */
        INTERNAL,
        /**
         * Not an audience: the item takes the one its flow gives its type when it is emitted
         * ({@link ItemAudience}, else {@link Type#audience()}). The factories' default.
         */
        BY_TYPE;

        /** @return whether the model's history includes items of this audience ({@link #CLIENT}, {@link #MODEL}) */
        public boolean reachesModel() {
            return this == CLIENT || this == MODEL;
        }
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
        return new Item(UUID.randomUUID().toString(), type, Status.COMPLETED, Audience.BY_TYPE, content);
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
     * @return a completed reasoning item (for the model, by its type)
     */
    public static Item reasoning(String text) {
        return of(Type.REASONING, Map.of("text", text));
    }

    /**
     * Text for the model's context, such as a retrieved document or a fact about the user: stored
     * with the session and part of the model's history, not shown to the client (by its type).
     *
     * @param text the text
     * @return a completed context item
     */
    public static Item context(String text) {
        return of(Type.CONTEXT, Map.of("text", text));
    }

    /**
     * A block's output for the devtools (by its type, for operators only).
     *
     * @param block the block's path
     * @param output its output (a JSON-B serializable value)
     * @return a completed block output item
     */
    public static Item blockOutput(String block, Object output) {
        return of(Type.BLOCK_OUTPUT, Map.of("block", block, "output", output));
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
     * @return a {@link Status#FAILED} error item (for the client, by its type)
     */
    public static Item error(String message) {
        return of(Type.ERROR, Map.of("message", message)).withStatus(Status.FAILED);
    }

    /**
     * @param status the status
     * @return a copy with it
     */
    public Item withStatus(Status status) {
        return new Item(id, type, status, audience, content);
    }

    /**
     * Names the item's audience; it wins over the audience its flow gives the item's type.
     *
     * @param audience the audience, or {@link Audience#BY_TYPE} to take the flow's again
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

    /**
     * @param audiences the audience each type has in the emitting flow
     * @return this item if its audience is named, else a copy with its type's audience in {@code audiences}
     *     (or the type's default when the map has none)
     */
    public Item resolveAudience(Map<Type, Audience> audiences) {
        if (audience != Audience.BY_TYPE) {
            return this;
        }
        return withAudience(audiences.getOrDefault(type, type.audience()));
    }
}
