package io.crux.ee.engine;

import java.util.Map;

import io.crux.ee.api.FlowScope;

/** Builds {@link FlowModel}s from lambdas. */
final class Flows {

    private Flows() {}

    /** A flow body as a lambda. */
    @FunctionalInterface
    interface Body<I, O> {
        O run(FlowScope<I> scope) throws Exception;
    }

    /** @return a durable flow with the single action {@code run} */
    static <I, O> FlowModel flow(String name, Class<I> inputType, Class<O> outputType, Body<I, O> body) {
        return flow(name, true, inputType, outputType, body);
    }

    /** @return a flow with the single action {@code run} */
    static <I, O> FlowModel flow(
            String name, boolean durable, Class<I> inputType, Class<O> outputType, Body<I, O> body) {
        return new FlowModel(
                name,
                durable,
                Flows.class,
                Map.of("run", new ActionModel("run", inputType, outputType, scope -> body.run(cast(scope)))));
    }

    @SuppressWarnings("unchecked")
    private static <I> FlowScope<I> cast(FlowScope<?> scope) {
        return (FlowScope<I>) scope;
    }
}
