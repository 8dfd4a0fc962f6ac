package io.crux.ee.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The argument of a flow action: the run's input and identity, and the durable operations.
 *
 * <p><b>Steps.</b> {@link #step(String, Callable)} runs a function once per run: its output is
 * checkpointed (as JSON, through JSON-B) when it completes, and when the run resumes after a
 * suspension, a retry wait or a crash the body is invoked again and the step returns the recorded
 * output instead of running. A step is identified by its label and how many times that label
 * occurred before in the run; the engine also checks the position, so a body whose steps changed
 * under a stored run fails with a {@link io.crux.ee.api.exception.FlowChangedException}. Code
 * between steps must therefore be deterministic: no clocks, random numbers or I/O outside steps.
 * Step outputs must be JSON-B serializable; records and plain classes work best, and a generic
 * collection comes back with JSON types after a restart.
 *
 * <p><b>Threads.</b> A scope belongs to one run and is used from the thread that runs the body. The
 * one exception is a block run: the branches of a sequencer's {@code parallel} and {@code map}
 * operations use the scope from several threads at once, and the engine supports exactly that.
 *
 * @param <I> the input type
 */
public interface FlowScope<I> {

    /** @return the run's input */
    I input();

    /** @return the run id */
    String flowId();

    /** @return the flow's name */
    String flowName();

    /** @return the id of the run whose step started this run */
    Optional<String> parentFlowId();

    /** @return the session the run belongs to */
    Optional<String> sessionId();

    /**
     * A key for the step running on this thread, for external services that accept one (a payment
     * provider's {@code Idempotency-Key} header): the same at every attempt of the step, and again
     * when a recovered run runs the step afresh after a crash, and different for every other step,
     * occurrence and run. Give it with the call, and a call that the service already carried out is
     * not carried out twice, although the step runs again.
     *
     * <pre>{@code
     * String charge = flow.step("charge-card", () -> payments.charge(card, amount, flow.idempotencyKey()),
     *         StepOptions.<String>retry(3, Duration.ofSeconds(1), Backoff.EXPONENTIAL));
     * }</pre>
     *
     * @return a UUID-shaped key derived from the run id and the step's position in the run (its
     *     label and occurrence, or its path in a block), not from the attempt
     * @throws IllegalStateException outside a step
     */
    String idempotencyKey();

    /**
     * Runs a step with the default options ({@link StepOptions#defaults()}: one attempt, no
     * fallback, no timeout).
     *
     * @param label the step's label
     * @param fn the step's work
     * @param <T> the output type
     * @return the output, recorded or fresh
     * @throws io.crux.ee.api.exception.StepFailedException if the step failed for good
     * @throws io.crux.ee.api.exception.FlowChangedException if the run recorded another step at this
     *     position
     * @throws io.crux.ee.api.exception.NestedStepException if called inside the body of another step
     */
    <T> T step(String label, Callable<T> fn);

    /**
     * Runs a step with retry, fallback and timeout options.
     *
     * @param label the step's label
     * @param fn the step's work
     * @param options the retry, fallback and timeout settings
     * @param <T> the output type
     * @return the output, recorded, fresh or from the fallback
     * @throws io.crux.ee.api.exception.StepFailedException if attempts ran out with no fallback, or
     *     the failure was policy-terminal
     * @throws io.crux.ee.api.exception.FlowChangedException if the run recorded another step at this
     *     position
     * @throws io.crux.ee.api.exception.NestedStepException if called inside the body of another step
     */
    <T> T step(String label, Callable<T> fn, StepOptions<T> options);

    /**
     * The auto-pass form: the step function receives this scope. Otherwise as
     * {@link #step(String, Callable)}, with its exceptions.
     *
     * @param label the step's label
     * @param fn the step's work
     * @param <T> the output type
     * @return the output, recorded or fresh
     */
    <T> T step(String label, Function<? super FlowScope<I>, T> fn);

    /**
     * The auto-pass form with options. Otherwise as {@link #step(String, Callable, StepOptions)},
     * with its exceptions.
     *
     * @param label the step's label
     * @param fn the step's work
     * @param options the retry, fallback and timeout settings
     * @param <T> the output type
     * @return the output, recorded, fresh or from the fallback
     */
    <T> T step(String label, Function<? super FlowScope<I>, T> fn, StepOptions<T> options);

    /**
     * The outputs of the steps completed so far in this run, by label (the latest occurrence of a
     * label wins), in execution order. Unmodifiable.
     *
     * @return the outputs
     */
    Map<String, Object> results();

    /**
     * Suspends the run until a signal named {@code name} arrives, then returns its payload. The
     * first time, the run unwinds (the call does not return), its status becomes
     * {@link FlowStatus#SUSPENDED} and no thread waits. When
     * {@link FlowHandle#signal(String, String, Object)} delivers a payload, the body runs again and
     * this call returns the payload.
     *
     * @param name the suspension's name, which a signal must use
     * @param payloadType the payload's type; the signal's payload is converted to it and checked
     *     with Bean Validation
     * @param <T> the payload type
     * @return the signal's payload
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the flow is not durable
     * @throws io.crux.ee.api.exception.NestedStepException if called inside the body of a step
     * @throws io.crux.ee.api.exception.FlowChangedException if the run recorded another step at this
     *     position
     */
    <T> T suspend(String name, Class<T> payloadType);

    /**
     * Suspends as {@link #suspend(String, Class)} does, with its exceptions; after {@code expiry}
     * the suspension expires and the run ends as {@link FlowStatus#EXPIRED}.
     *
     * @param name the suspension's name
     * @param payloadType the payload's type
     * @param expiry how long the suspension stays open, or {@code null} for ever
     * @param <T> the payload type
     * @return the signal's payload
     * @throws IllegalArgumentException if {@code expiry} is zero or negative
     */
    <T> T suspend(String name, Class<T> payloadType, Duration expiry);

    /**
     * Continues at once when {@code condition} holds, otherwise suspends under {@code name}. Each
     * {@link FlowHandle#resume(String) resume} or signal of that name checks the condition again.
     * Once it held, the fact is recorded and the condition is not asked again for this run.
     *
     * @param name the suspension's name
     * @param condition checked when reached and on each resume
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the flow is not durable and the
     *     condition does not hold
     * @throws io.crux.ee.api.exception.NestedStepException if called inside the body of a step
     */
    void waitUntil(String name, BooleanSupplier condition);

    /**
     * Cancels the run from inside its body. The call does not return.
     *
     * @param reason why, stored with the run
     */
    void cancel(String reason);

    /** @return the run's cancellation token, for step code that polls */
    CancellationToken cancellation();

    /** @return the user the run acts for, if any */
    Optional<String> userId();

    /**
     * The session's state: a stored document, or, for a flow declared with
     * {@link Sessions#EPHEMERAL ephemeral sessions}, a document in memory that lives as long as the run.
     *
     * @return the session's state
     * @throws io.crux.ee.api.exception.FlowStateException if the run has no session
     */
    ScopedState session();

    /**
     * @return the user's stored state
     * @throws io.crux.ee.api.exception.FlowStateException if the run has no user
     */
    ScopedState user();

    /** @return the project's stored state (the project named in the run options, else {@code default}) */
    ScopedState project();

    /** @return state that lives as long as this execution, in memory */
    ScopedState request();

    /**
     * A typed view of a scope's document ({@link ScopeState}). On a typed scope, every component of
     * {@code type} must be a key of the scope's merged schema with the same type: the flow's record,
     * an action's declared part, or a block's own part of them. On an untyped scope any record
     * works, and the view checks its writes against the record alone.
     *
     * @param scope the scope
     * @param type the record to read and write the document as
     * @param <S> the record type
     * @return the view
     * @throws io.crux.ee.api.exception.FlowDefinitionException if {@code type} has a component the
     *     scope's schema lacks or declares with another type ({@code CRUX0235E})
     * @throws io.crux.ee.api.exception.FlowStateException if the run has no session or user for the scope
     */
    <S extends Record> TypedState<S> state(Scope scope, Class<S> type);

    /**
     * @param type the record to read and write the session's document as
     * @param <S> the record type
     * @return the typed view, as {@link #state(Scope, Class)} for {@link Scope#SESSION}
     */
    default <S extends Record> TypedState<S> session(Class<S> type) {
        return state(Scope.SESSION, type);
    }

    /**
     * @param type the record to read and write the user's document as
     * @param <S> the record type
     * @return the typed view, as {@link #state(Scope, Class)} for {@link Scope#USER}
     */
    default <S extends Record> TypedState<S> user(Class<S> type) {
        return state(Scope.USER, type);
    }

    /**
     * @param type the record to read and write the project's document as
     * @param <S> the record type
     * @return the typed view, as {@link #state(Scope, Class)} for {@link Scope#PROJECT}
     */
    default <S extends Record> TypedState<S> project(Class<S> type) {
        return state(Scope.PROJECT, type);
    }

    /**
     * @param type the record to read and write the execution's document as
     * @param <S> the record type
     * @return the typed view, as {@link #state(Scope, Class)} for {@link Scope#REQUEST}
     */
    default <S extends Record> TypedState<S> request(Class<S> type) {
        return state(Scope.REQUEST, type);
    }

    /**
     * A resource the flow declares with {@link FlowResource}, of this run's session, user or
     * project (as the declaration says).
     *
     * @param name the declared name
     * @param type the declared value type
     * @param <T> the values' type
     * @return the resource; its reads and writes go to the store when they are made
     * @throws IllegalArgumentException if the flow declares no resource of that name and type ({@code CRUX0240E})
     * @throws io.crux.ee.api.exception.FlowStateException if the run has no session or user for the resource's scope
     */
    <T> Resource<T> resource(String name, Class<T> type);

    /**
     * A resource declared in code, for example by a block, of this run's session, user or project.
     *
     * @param declaration the resource's name, scope and value type
     * @param <T> the values' type
     * @return the resource
     * @throws io.crux.ee.api.exception.FlowStateException if the run has no session or user for the resource's scope
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the resource's scope is the session and the
     *     flow's sessions are {@linkplain Sessions#EPHEMERAL ephemeral} ({@code CRUX0217E})
     */
    <T> Resource<T> resource(ResourceDecl<T> declaration);

    /**
     * Reads the items stored with the run's session so far, of every request of the session and of
     * every audience, oldest first: each item once, with its last content, in the order it first
     * appeared. Items a step emits are stored when the step ends, so the step that reads does not
     * see its own. The read is not recorded: read inside a step (as a generator's
     * {@code history()} does), so that a replay uses the step's recorded result rather than reading
     * a session that has grown since. One read loads the whole session.
     *
     * <p>In a flow whose sessions are {@linkplain Sessions#EPHEMERAL ephemeral}, which stores no items,
     * they are this run's own items, kept in memory while it executes: in the order first emitted,
     * each as last emitted, an item emitted earlier in the reading step included.
     *
     * @return the session's items; empty when the run has no session
     * @throws io.crux.ee.api.exception.CruxPersistenceException if the store cannot be read
     */
    List<Item> items();

    /**
     * Adds an item to the run's session and request stream. Its audience is
     * {@linkplain Item#resolveAudience resolved} first: an item of audience
     * {@link Item.Audience#BY_TYPE} takes the one the flow gives its type ({@link ItemAudience}, else
     * the type's default), and only {@link Item.Audience#CLIENT} items are streamed. A finished item (the usual case) has
     * one event, {@code item.done}, which carries the whole item; an item emitted in progress has
     * {@code item.added}, and {@code item.done} when it is emitted again finished. Items emitted by
     * a completed step are not emitted again when the body replays.
     *
     * @param item the item
     * @return the item as stored
     */
    Item emit(Item item);

    /**
     * Starts a message that is written piece by piece.
     *
     * @param role {@code assistant}, {@code user} or {@code system}
     * @return the stream; call {@link MessageStream#done()} when the text is complete
     */
    MessageStream message(String role);
}
