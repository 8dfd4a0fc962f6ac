package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link FlowDefinition} bean as a named action of that flow. The method takes
 * a single {@link FlowScope} parameter whose type argument is the action's input type, and returns
 * the output (or {@code void}). It must be public, not static and not generic.
 *
 * <pre>{@code
 * @Action("summarize")
 * public Summary summarize(FlowScope<Document> flow) { ... }
 * }</pre>
 *
 * <p>An action whose input carries the user's words names the property that holds them in
 * {@link #userMessage()}: the engine then adds {@code Item.message("user", text)} to the session
 * and the stream before the action's first step, once per request, instead of the action emitting
 * it by hand.
 *
 * <pre>{@code
 * @Action(value = "chat", userMessage = "text")
 * public Answer chat(FlowScope<Question> flow) { ... }   // record Question(String text) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Action {

    /**
     * The action's name, unique within its flow.
     *
     * @return the action name; must not be blank
     */
    String value();

    /**
     * The property of the input (a record component, or a JSON-B property: a public field or
     * getter, under its {@code @JsonbProperty} name if it has one) whose {@code String} value becomes
     * the request's user message: {@code Item.message("user", value)}, emitted by the engine before
     * the action's first step and recorded at the run's first position, so that a resume, a retry
     * or a recovery does not emit it again. A {@code null} value emits nothing. Empty (the default):
     * the input's own {@link UserMessage#userMessage()} if its type implements {@link UserMessage},
     * otherwise no message. A name that is not a {@code String} property of the input type fails the
     * deployment (CRUX0210E).
     *
     * @return the input's property that holds the user's message, or empty
     */
    String userMessage() default "";
}
