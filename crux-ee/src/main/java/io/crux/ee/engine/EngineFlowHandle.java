package io.crux.ee.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;

/** The engine's {@link FlowHandle}: a flow, one of its actions, and the engine. */
final class EngineFlowHandle<I, O> implements FlowHandle<I, O> {

    private final FlowEngine engine;
    private final FlowModel flow;
    private final ActionModel action;

    EngineFlowHandle(FlowEngine engine, FlowModel flow, ActionModel action) {
        this.engine = engine;
        this.flow = flow;
        this.action = action;
    }

    @Override
    public String flowName() {
        return flow.name();
    }

    @Override
    public String action() {
        return action.name();
    }

    @Override
    public FlowResult<O> run(I input, RunOptions options) {
        refuseInTransaction();
        String flowId = engine.newRunId(Objects.requireNonNull(options, "options"));
        if (engine.startedBefore(flow, options, flowId)) {
            return engine.attach(flow, flowId); // a step that runs again: the run it started before
        }
        Execution<I, O> exec = engine.start(flow, action, input, options.withFlowId(flowId));
        engine.launch(exec, true);
        return FlowEngine.await(exec);
    }

    @Override
    public String start(I input, RunOptions options) {
        return start(input, options, false);
    }

    /** Starts a run with input that the edge which received it has converted and checked. */
    String startChecked(I input, RunOptions options) {
        return start(input, options, true);
    }

    private String start(I input, RunOptions options, boolean checked) {
        refuseInTransaction();
        String flowId = engine.newRunId(Objects.requireNonNull(options, "options"));
        if (engine.startedBefore(flow, options, flowId)) {
            return flowId; // a step that runs again: the run it started before
        }
        RunOptions withId = options.withFlowId(flowId);
        Execution<I, O> exec =
                checked ? engine.startChecked(flow, action, input, withId) : engine.start(flow, action, input, withId);
        engine.launch(exec, false);
        return exec.flowId();
    }

    @Override
    public FlowResult<O> resume(String flowId) {
        return engine.resume(flow, Objects.requireNonNull(flowId, "flowId"));
    }

    @Override
    public FlowResult<O> signal(String flowId, String name, Object payload) {
        return engine.signal(flow, Objects.requireNonNull(flowId, "flowId"), name, payload);
    }

    @Override
    public void cancel(String flowId, String reason) {
        engine.cancel(flow, Objects.requireNonNull(flowId, "flowId"), reason);
    }

    @Override
    public Optional<FlowRunInfo> get(String flowId) {
        return engine.get(flow, flowId);
    }

    @Override
    public List<FlowRunInfo> list(FlowStatus status) {
        return engine.list(flow, status);
    }

    @Override
    public String toString() {
        return "FlowHandle[" + flow.name() + "/" + action.name() + "]";
    }

    private void refuseInTransaction() {
        Execution<?, ?> parent = Execution.CURRENT.get();
        if (parent != null) {
            parent.frame().refuseChildRun(parent.flowId(), flow.name());
        }
    }
}
