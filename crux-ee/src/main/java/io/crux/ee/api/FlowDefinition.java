package io.crux.ee.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a CDI bean as a flow definition. The crux-ee portable extension finds every bean with
 * this annotation when the application deploys and registers it under {@link #value()}.
 *
 * <p>A definition either implements {@link FlowHandler} (its single action is {@code run}) or
 * declares one or more methods annotated {@link Action}. Each action method takes exactly one
 * parameter of type {@link FlowScope} and returns the action's output (or {@code void}). A
 * definition that breaks these rules, or that reuses the name of another definition, fails the
 * deployment with a message naming the class and the fix.
 *
 * <p>The bean keeps its own CDI scope; a definition is usually {@code @ApplicationScoped} or
 * {@code @Dependent}. Code of an action runs again when a suspended or recovered run resumes, so
 * everything it does outside {@link FlowScope#step steps} must be deterministic.
 *
 * <pre>{@code
 * @ApplicationScoped
 * @FlowDefinition("expense-approval")
 * public class ExpenseApproval implements FlowHandler<Expense, Decision> {
 *     public Decision run(FlowScope<Expense> flow) {
 *         var risk = flow.step("score", () -> scorer.score(flow.input()));
 *         var approval = flow.suspend("manager-approval", Approval.class, Duration.ofDays(3));
 *         return flow.step("book", () -> ledger.book(flow.input(), approval));
 *     }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface FlowDefinition {

    /**
     * The flow's name, unique within the application. It is stored with every run, so renaming a
     * flow orphans its suspended runs.
     *
     * @return the flow name; must not be blank
     */
    String value();

    /**
     * Whether runs are checkpointed in the database. {@code false} opts out of durability for
     * latency-critical work: the engine then touches no database at all, a run cannot
     * {@link FlowScope#suspend suspend}, and it is not recovered after a crash. Default
     * {@code true}.
     *
     * @return whether runs of this flow are durable
     */
    boolean durable() default true;

    /**
     * Whether runs need an authenticated user. The HTTP API then answers 401 without one, and a
     * session is visible only to the user who created it. Default {@code false}.
     *
     * @return whether a user is required
     */
    boolean requireUser() default false;

    /**
     * The user message of a {@link FlowHandler}'s action {@code run}, as {@link Action#userMessage()}
     * declares it for an {@code @Action} method: the input's {@code String} property whose value the
     * engine emits as {@code Item.message("user", value)} before the first step. Only for a
     * definition that implements {@link FlowHandler}; on any other, declare it on each
     * {@code @Action} (else the deployment fails, CRUX0210E). Default empty: none, unless the input
     * implements {@link UserMessage}.
     *
     * @return the input's property that holds the user's message, or empty
     */
    String userMessage() default "";

    /**
     * Whether a run's session is stored ({@link Sessions#PERSISTED}, the default) or lives for one
     * request only ({@link Sessions#EPHEMERAL}): then no session row, no session state and no
     * session items are stored; {@link FlowScope#session()} is a document in memory for the run,
     * whose session id is the run id; a run cannot join another session, suspend or wait, and one
     * found unfinished after a crash fails instead of going on without its state. The request's
     * events are stored as for any run, so its stream resumes with {@code Last-Event-ID}.
     *
     * @return how runs of this flow keep their session
     */
    Sessions sessions() default Sessions.PERSISTED;
}
