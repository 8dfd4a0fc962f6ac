package io.crux.ee.block;

import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.ScopedState;
import io.crux.ee.model.ModelRegistry;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

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

    /**
     * The JSON-B codec that blocks use to read model replies into records (a generator's structured
     * output). The engine passes its own; the default is a JSON-B codec over
     * {@code JsonbBuilder.create()}, created once.
     *
     * @return the codec
     */
    default PayloadCodec codec() {
        return BlockDefaults.codec();
    }

    /**
     * The Bean Validation check of values that blocks produce (a generator's structured output). The
     * engine passes its own (the container's {@code Validator}); the default uses
     * {@code Validation.buildDefaultValidatorFactory()}, created once, and accepts everything when no
     * Bean Validation provider is present.
     *
     * @return the validator
     */
    default InputValidator validator() {
        return BlockDefaults.validator();
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
