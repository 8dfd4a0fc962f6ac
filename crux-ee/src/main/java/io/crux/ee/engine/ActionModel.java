package io.crux.ee.engine;

import java.lang.reflect.Type;
import java.util.Objects;
import java.util.function.Function;

import io.crux.ee.api.Block;
import io.crux.ee.api.FlowScope;
import io.crux.ee.catalog.Messages;

/**
 * One action of a flow: its name, types and how to invoke it.
 *
 * @param name the action's name
 * @param inputType the type argument of its {@code FlowScope} parameter
 * @param outputType its return type
 * @param invoker calls the action
 * @param userMessage the text of the request's user message for an input, {@code null} for none;
 *     {@code null} when the action declares no user message
 */
public record ActionModel(
        String name, Type inputType, Type outputType, Invoker invoker, Function<Object, String> userMessage) {

    public ActionModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(invoker, "invoker");
    }

    /** An action without a user message. */
    public ActionModel(String name, Type inputType, Type outputType, Invoker invoker) {
        this(name, inputType, outputType, invoker, null);
    }

    /**
     * @param from how the input becomes the user message's text
     * @return a copy with that user message
     */
    public ActionModel withUserMessage(Function<Object, String> from) {
        return new ActionModel(name, inputType, outputType, invoker, from);
    }

    /**
     * Runs a block as the body of a run: the invoker of an action whose method returns a
     * {@link Block} calls it with the scope it received. Every block execution becomes a durable
     * step keyed by its logical path, starting with the block's name.
     *
     * @param scope the scope the invoker received from the engine
     * @param block the action's block
     * @return the block's output
     * @throws IllegalArgumentException if the scope does not belong to a run of this engine
     */
    public static Object runBlock(FlowScope<?> scope, Block<?, ?> block) {
        Objects.requireNonNull(block, "block");
        if (!(scope instanceof RunScope<?> run)) {
            throw new IllegalArgumentException(Messages.notABlockRun(scope));
        }
        return run.runRoot(block);
    }

    /** Calls an action on a (possibly contextual) instance of the definition. */
    @FunctionalInterface
    public interface Invoker {
        /**
         * @param scope the run's scope
         * @return the action's output
         * @throws Throwable what the action threw, unwrapped from reflection
         */
        Object invoke(FlowScope<?> scope) throws Throwable;
    }
}
