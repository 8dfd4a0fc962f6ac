package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;

/**
 * Qualifier that selects the flow, and optionally the action, of an injected {@link FlowHandle}.
 *
 * <pre>{@code
 * @Inject @Flow("expense-approval") FlowHandle<Expense, Decision> approvals;
 * @Inject @Flow(value = "assistant", action = "chat") FlowHandle<Question, Answer> chat;
 * }</pre>
 *
 * <p>An injection point that names an unknown flow or action fails the deployment.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface Flow {

    /**
     * The flow name given in {@link FlowDefinition#value()}.
     *
     * @return the flow name
     */
    @Nonbinding
    String value();

    /**
     * The action to run; empty (the default) selects the flow's only action, which is {@code run}
     * for a {@link FlowHandler}.
     *
     * @return the action name, or empty
     */
    @Nonbinding
    String action() default "";

    /**
     * Literal for programmatic lookup, for example with {@code Instance.select(Flow.Literal.of("x"))}.
     * Immutable and thread-safe.
     */
    final class Literal extends AnnotationLiteral<Flow> implements Flow {
        private static final long serialVersionUID = 1L;
        private final String value;
        private final String action;

        private Literal(String value, String action) {
            this.value = value;
            this.action = action;
        }

        /**
         * @param flow the flow name
         * @return a literal selecting the flow's only action
         */
        public static Literal of(String flow) {
            return new Literal(flow, "");
        }

        /**
         * @param flow the flow name
         * @param action the action name
         * @return a literal selecting the given action
         */
        public static Literal of(String flow, String action) {
            return new Literal(flow, action);
        }

        @Override
        public String value() {
            return value;
        }

        @Override
        public String action() {
            return action;
        }
    }
}
