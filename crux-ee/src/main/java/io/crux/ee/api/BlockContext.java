package io.crux.ee.api;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a block sees while it runs: the run's scope, its own logical path and the engine's services.
 *
 * <p>Composite blocks run their children through {@link #run}, {@link #under}, {@link #fork} and
 * {@link #rescue}; these build the children's paths, which are their durable identity. A leaf block
 * (one that runs inside a step) may not call them. Code of a composite that is not inside a child
 * (conditions, loop tests, the choice of a branch) runs again whenever the run's body is replayed,
 * so it must be deterministic: decide on the input and on the outputs of children, which replay
 * from their checkpoints.
 *
 * <p><b>Threads.</b> A context belongs to the block execution it was given to; the contexts that
 * {@link #fork} hands to branches belong to those branches, which may run on other threads.
 */
public interface BlockContext {

    /** @return the logical path of the running block, for example {@code chat/answer} */
    String path();

    /** @return the run's scope: identity, state, items */
    FlowScope<?> scope();

    /**
     * A service of the engine, found by its type: the engine's own {@code PayloadCodec},
     * {@code InputValidator} and {@code FlowTracer} (whose spans start under the current span, the
     * block's step span), the services given to {@code FlowEngine.Builder.service}, and in the server
     * any CDI bean of that type. This is how blocks of other modules find what they need without the
     * engine knowing them: crux-ee-langchain4j's generators find their {@code ModelRegistry} here.
     *
     * @param type the service's type
     * @param <T> the service's type
     * @return the service
     * @throws java.util.NoSuchElementException if the engine has no service of that type
     */
    <T> T service(Class<T> type);

    /**
     * Runs a child block under this block's path: a leaf as a durable step, a composite by
     * calling it. Only composite blocks may call it; inside a leaf's step it throws
     * {@link io.crux.ee.api.exception.FlowStateException}.
     *
     * @param block the child
     * @param input its input
     * @param <X> the child's input type
     * @param <Y> the child's output type
     * @return the child's output, recorded or fresh
     */
    <X, Y> Y run(Block<X, Y> block, X input);

    /**
     * A context for children one path segment further down, for example a loop iteration
     * {@code refine[2]}: a child {@code draft} run through it has the path
     * {@code <this path>/refine[2]/draft}. Only composite blocks may call it.
     *
     * @param segment the segment; not blank, without {@code /}
     * @return the context
     * @throws io.crux.ee.api.exception.FlowStateException inside a leaf's step
     */
    BlockContext under(String segment);

    /**
     * Runs branches at the same time, at most {@code limit} at once, on the engine's executor (the
     * container's managed executor in a server) and on the calling thread. Branch {@code i} receives
     * a context whose path is {@code <this path>/<segments[i]>} and its index. Only composite blocks
     * may call it.
     *
     * <p>When a branch fails, no further branch starts and the running ones finish; then the failure
     * of the first failed branch (in the order of {@code segments}) is thrown. When a branch
     * suspends, waits for a retry or the run is cancelled, the other branches are handled the same
     * way and the run unwinds: branches that completed replay from their checkpoints when it
     * continues. A failure wins over a retry wait, which wins over a suspension.
     *
     * @param segments the path segment of each branch, distinct, for example {@code research[web]}
     * @param limit the most branches that run at once, at least 1
     * @param branch runs one branch with its context and index
     * @param <Y> the branches' output type
     * @return the outputs in the order of {@code segments}
     * @throws io.crux.ee.api.exception.FlowStateException inside a leaf's step
     */
    <Y> List<Y> fork(List<String> segments, int limit, BiFunction<BlockContext, Integer, Y> branch);

    /**
     * Runs {@code body}, composite code that runs children through this context, and recovers from
     * its failure: when it fails with a failure that {@code when} accepts, {@code recovery} runs
     * with {@code input} and the failure, and its output is returned. The recovered output is
     * recorded under the recovery's path, so a replayed run returns it without running the failed
     * children again. The engine's own signals (suspension, retry waits, cancellation, a changed
     * flow) are never rescued. Only composite blocks may call it.
     *
     * @param body the code to protect
     * @param when which failures to recover from; a failed step arrives as a
     *     {@link io.crux.ee.api.exception.StepFailedException} with the step's failure as its cause
     * @param recovery the block that recovers
     * @param input the input the recovery receives with the failure
     * @param <X> the input type
     * @param <Y> the output type
     * @return the body's output, or the recovery's
     * @throws io.crux.ee.api.exception.FlowStateException inside a leaf's step
     */
    <X, Y> Y rescue(Supplier<Y> body, Predicate<? super Throwable> when, Block<Rescued<X>, Y> recovery, X input);

    /**
     * @return the key of the step running on this thread; see {@link FlowScope#idempotencyKey()}
     * @throws IllegalStateException outside a step (a handler block's body runs inside one)
     */
    default String idempotencyKey() {
        return scope().idempotencyKey();
    }

    /** @return the session's stored state, as {@link FlowScope#session()} */
    default ScopedState session() {
        return scope().session();
    }

    /** @return the user's stored state, as {@link FlowScope#user()} */
    default ScopedState user() {
        return scope().user();
    }

    /** @return the project's stored state, as {@link FlowScope#project()} */
    default ScopedState project() {
        return scope().project();
    }

    /** @return the execution's in-memory state, as {@link FlowScope#request()} */
    default ScopedState request() {
        return scope().request();
    }

    /**
     * A typed view of a scope's document, as {@link FlowScope#state(Scope, Class)}: the way a block
     * declares the part of the state it uses. The part is checked against the flow's schema when the
     * view is made, so a block whose part conflicts with the flow fails the first time it runs.
     *
     * @param scope the scope
     * @param type the block's part, a record
     * @param <S> the record type
     * @return the view
     */
    default <S extends Record> TypedState<S> state(Scope scope, Class<S> type) {
        return scope().state(scope, type);
    }

    /**
     * @param type the block's part of the session's document, a record
     * @param <S> the record type
     * @return the typed view, as {@link FlowScope#session(Class)}
     */
    default <S extends Record> TypedState<S> session(Class<S> type) {
        return scope().session(type);
    }

    /**
     * @param name a resource the flow declares
     * @param type its value type
     * @param <T> the values' type
     * @return the resource, as {@link FlowScope#resource(String, Class)}
     */
    default <T> Resource<T> resource(String name, Class<T> type) {
        return scope().resource(name, type);
    }

    /**
     * @param declaration a resource declared in code
     * @param <T> the values' type
     * @return the resource, as {@link FlowScope#resource(ResourceDecl)}
     */
    default <T> Resource<T> resource(ResourceDecl<T> declaration) {
        return scope().resource(declaration);
    }

    /**
     * @param item an item for the session and request stream
     * @return the item as stored
     */
    default Item emit(Item item) {
        return scope().emit(item);
    }

    /**
     * @param role the message's role
     * @return a message written piece by piece
     */
    default MessageStream message(String role) {
        return scope().message(role);
    }
}
