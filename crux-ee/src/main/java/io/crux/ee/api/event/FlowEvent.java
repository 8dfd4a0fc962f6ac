package io.crux.ee.api.event;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.AnnotationLiteral;
import jakarta.inject.Qualifier;

/**
 * Qualifier of the lifecycle events by flow name: the engine fires every {@link FlowLifecycleEvent}
 * with {@code @FlowEvent(flowName)}, so that an observer qualified with a name receives only that
 * flow's events, and an observer without the qualifier receives every flow's.
 *
 * <pre>{@code
 * void onDone(@Observes @FlowEvent("expense-approval") RunCompleted e) { ... }
 * void onAny(@Observes RunCompleted e) { ... }
 * }</pre>
 *
 * <p>A name that no flow has is not an error: the observer is never notified.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface FlowEvent {

    /**
     * The flow name given in {@link io.crux.ee.api.FlowDefinition#value()}.
     *
     * @return the flow name
     */
    String value();

    /**
     * Literal for firing or selecting events programmatically, for example
     * {@code event.select(RunCompleted.class, FlowEvent.Literal.of("x"))}. Immutable and thread-safe.
     */
    final class Literal extends AnnotationLiteral<FlowEvent> implements FlowEvent {
        private static final long serialVersionUID = 1L;
        private final String value;

        private Literal(String value) {
            this.value = value;
        }

        /**
         * @param flow the flow name
         * @return a literal qualifying that flow's events
         * @throws NullPointerException if {@code flow} is null
         */
        public static Literal of(String flow) {
            return new Literal(java.util.Objects.requireNonNull(flow, "flow"));
        }

        @Override
        public String value() {
            return value;
        }
    }
}
