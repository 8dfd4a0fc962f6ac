package io.crux.ee.api;

/**
 * An action input that knows the user's message it carries. When an action's input type
 * implements it, and the action names no property in {@link Action#userMessage()} (or
 * {@link FlowDefinition#userMessage()} for a {@link FlowHandler}), the engine emits
 * {@code Item.message("user", userMessage())} before the action's first step, once per request.
 *
 * <pre>{@code
 * public record Question(String subject, String body) implements UserMessage {
 *     public String userMessage() { return subject + ": " + body; }
 * }
 * }</pre>
 *
 * <p>The method must be deterministic: it is called when the run first executes; a {@code null}
 * answer emits nothing.
 */
public interface UserMessage {

    /** @return the text of the request's user message, or {@code null} for none */
    String userMessage();
}
