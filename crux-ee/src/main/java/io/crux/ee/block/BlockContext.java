package io.crux.ee.block;

import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.ScopedState;
import io.crux.ee.model.ModelRegistry;
import io.crux.ee.spi.FlowTracer;

/**
 * What a block sees while it runs: the run's scope, its own logical path and the models.
 */
public interface BlockContext {

    /** @return the logical path of the running block, for example {@code chat/answer} */
    String path();

    /** @return the run's scope: identity, state, items */
    FlowScope<?> scope();

    /** @return the chat models available to generators */
    ModelRegistry models();

    /**
     * @return the engine's tracer; a block's own spans (a generator's model calls) start under the
     *     current span, which is the block's step span
     */
    FlowTracer tracer();

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
