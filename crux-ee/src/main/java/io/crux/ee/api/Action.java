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
}
