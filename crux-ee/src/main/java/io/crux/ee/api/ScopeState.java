package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the type of a scope's state document as a record: on a {@link FlowDefinition} class the
 * flow's state, on an {@link Action} method the part the action reads or writes. Each record
 * component is a key of the document with the component's type.
 *
 * <p>At deployment the declarations of a flow are merged per scope into one schema (the union of
 * their components); a key declared with two different types fails the deployment with
 * {@code CRUX0230E}, naming both declarations. A scope that has a schema is <em>typed</em>: every
 * write to it, through {@link FlowScope#session(Class) the typed view} or through the untyped
 * {@link ScopedState}, is checked: undeclared keys are refused ({@code CRUX0232E}), values must fit
 * the key's type (no lenient conversions) and its Bean Validation constraints ({@code CRUX0233E}),
 * {@code inc} needs an integral key and {@code push} a list key ({@code CRUX0234E}). A scope
 * without a declaration stays untyped and accepts any key, as before.
 *
 * <p>A block declares its part by asking for a typed view of it
 * ({@code ctx.session(Part.class)}); the part is checked when the view is made, with the same
 * rules: each of its components must be a key of the scope's schema with the same type
 * ({@code CRUX0235E}).
 *
 * <pre>{@code
 * public record DeskSession(@Size(max = 200) String topic, int questions, List<String> tags) {}
 *
 * @FlowDefinition("help-desk")
 * @ScopeState(scope = Scope.SESSION, type = DeskSession.class)
 * public class HelpDeskFlow {
 *     @Action("ask")
 *     @ScopeState(scope = Scope.USER, type = Preferences.class)
 *     public Answer ask(FlowScope<Question> flow) {
 *         flow.session(DeskSession.class).update(s -> new DeskSession(s.topic(), s.questions() + 1, s.tags()));
 *         ...
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(ScopeState.List.class)
public @interface ScopeState {

    /**
     * The scope whose document this declares; one declaration per scope on one class or method.
     *
     * @return the scope
     */
    Scope scope();

    /**
     * The document's type, or the part of it that the action uses: a record whose components are
     * keys of the document.
     *
     * @return a record class
     */
    Class<? extends Record> type();

    /** The state declarations of one flow class or action method. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @interface List {

        /** @return the declarations */
        ScopeState[] value();
    }
}
