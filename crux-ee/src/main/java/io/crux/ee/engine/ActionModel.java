package io.crux.ee.engine;

import java.lang.reflect.Type;
import java.util.Objects;

import io.crux.ee.api.FlowScope;

/**
 * One action of a flow: its name, types and how to invoke it.
 *
 * @param name the action's name
 * @param inputType the type argument of its {@code FlowScope} parameter
 * @param outputType its return type
 * @param invoker calls the action
 */
public record ActionModel(String name, Type inputType, Type outputType, Invoker invoker) {

    public ActionModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(outputType, "outputType");
        Objects.requireNonNull(invoker, "invoker");
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
