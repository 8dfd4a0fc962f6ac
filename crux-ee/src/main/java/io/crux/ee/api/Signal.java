package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a signal that a {@link FlowDefinition}'s runs wait for: the name they suspend under and
 * the type of the payload that resumes them. A declared signal is published with the flow (its
 * payload's JSON Schema in the OpenAPI document), and a run that suspends under a declared name
 * with another payload type fails with {@code CRUX0015E}. Declaring is optional: a flow may
 * suspend under names it does not declare (a name made per item, for example).
 *
 * <pre>{@code
 * @FlowDefinition("expense-approval")
 * @Signal(value = "manager-approval", type = Approval.class)
 * public class ExpenseApprovalFlow { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Signal.List.class)
public @interface Signal {

    /**
     * The name runs suspend under ({@link FlowScope#suspend(String, Class)}), unique within the flow.
     *
     * @return the signal's name; must not be blank
     */
    String value();

    /**
     * The payload's type, which the signal's body is bound to.
     *
     * @return the payload type
     */
    Class<?> type();

    /** The signals of one flow. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {

        /** @return the signals */
        Signal[] value();
    }
}
