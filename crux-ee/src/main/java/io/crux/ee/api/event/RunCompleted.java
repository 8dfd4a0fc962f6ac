package io.crux.ee.api.event;

import java.time.Instant;

/**
 * A run completed, and its output is stored. Fired on the run's thread after the run's end
 * committed.
 *
 * <p>{@link #output()} is the object the action returned on the server that completed the run (not a
 * copy read back from the store): observers read it and must not change it. A run whose code completed
 * after another caller cancelled it ends cancelled instead, and fires {@link RunCancelled} only.
 *
 * @param flowId the run's id
 * @param flowName the run's flow
 * @param action the run's action
 * @param sessionId the run's session, or {@code null}
 * @param parentFlowId the run whose step started this run, or {@code null} for a top-level run
 * @param at when the engine made the transition
 * @param output the action's return value, or {@code null}
 */
public record RunCompleted(
        String flowId, String flowName, String action, String sessionId, String parentFlowId, Instant at, Object output)
        implements FlowLifecycleEvent {

    /**
     * @param type the action's output type
     * @param <T> the output type
     * @return the output, cast to {@code type}
     * @throws ClassCastException if the output is not a {@code type}
     */
    public <T> T output(Class<T> type) {
        return type.cast(output);
    }
}
