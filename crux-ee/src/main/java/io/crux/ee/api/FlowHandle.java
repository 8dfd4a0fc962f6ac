package io.crux.ee.api;

import java.util.List;
import java.util.Optional;

/**
 * The way to start and steer runs of one flow action. Inject it with the {@link Flow} qualifier:
 *
 * <pre>{@code
 * @Inject @Flow("expense-approval") FlowHandle<Expense, Decision> approvals;
 *
 * FlowResult<Decision> result = approvals.run(expense);
 * String runId = approvals.start(expense);              // returns at once
 * approvals.signal(runId, "manager-approval", new Approval(true, "ok"));
 * }</pre>
 *
 * <p>Handles are thread-safe and cheap: one injected handle serves every caller at once. The flow
 * body and its steps always run on the container's managed executor, with the caller's context
 * propagated. A handle used inside a step of another run starts a child run that records the
 * parent's id.
 *
 * <p><b>Failures.</b> A failure is thrown, never returned, as a
 * {@link io.crux.ee.api.exception.CruxException} subtype. The methods that wait for a run
 * ({@link #run}, {@link #resume}, {@link #signal}) throw whatever ended the run: the exceptions
 * listed on {@link #run(Object)}, and less often another subtype such as
 * {@link io.crux.ee.api.exception.LoopLimitException}. Any method may throw
 * {@link io.crux.ee.api.exception.CruxPersistenceException} when the database fails; a {@code null}
 * options, or a {@code null} run id given to {@link #resume}, {@link #signal} or {@link #cancel},
 * throws {@link NullPointerException}.
 *
 * @param <I> the input type of the action
 * @param <O> the output type of the action
 */
public interface FlowHandle<I, O> {

    /** @return the flow's name */
    String flowName();

    /** @return the action this handle runs */
    String action();

    /**
     * Runs the action with {@link RunOptions#defaults()} (a generated run id, no session) and waits
     * until the run completes, suspends, is cancelled or fails.
     *
     * @param input the input; checked with Bean Validation before anything is stored
     * @return how the run ended for now
     * @throws io.crux.ee.api.exception.InvalidInputException if the input is not valid; nothing was
     *     stored
     * @throws io.crux.ee.api.exception.StepFailedException if a step failed for good
     * @throws io.crux.ee.api.exception.FlowFailedException if the flow body failed outside a step,
     *     or the waiting thread was interrupted
     * @throws io.crux.ee.api.exception.FlowChangedException if the run recorded other steps than the
     *     body now asks for
     * @throws io.crux.ee.api.exception.LeaseLostException if another server took the run over; it
     *     continues the run
     * @throws io.crux.ee.api.exception.NodeIdInUseException if another live server holds this
     *     server's node id ({@code crux.node-id}): no durable run starts here; nothing was stored.
     *     {@link #start} throws it too, and so do {@link #resume} and {@link #signal} where they would
     *     continue the run here
     */
    default FlowResult<O> run(I input) {
        return run(input, RunOptions.defaults());
    }

    /**
     * Runs the action with options and waits as {@link #run(Object)} does, with its exceptions.
     *
     * @param input the input
     * @param options the run id and session
     * @return how the run ended for now
     * @throws io.crux.ee.api.exception.FlowConflictException if {@code options.flowId()} is taken
     */
    FlowResult<O> run(I input, RunOptions options);

    /**
     * Starts the action with {@link RunOptions#defaults()} on the managed executor and returns at
     * once. Failures of the run are not thrown here; read them with {@link #get(String)}.
     *
     * @param input the input; checked with Bean Validation before anything is stored
     * @return the run id
     * @throws io.crux.ee.api.exception.InvalidInputException if the input is not valid; nothing was
     *     stored
     */
    default String start(I input) {
        return start(input, RunOptions.defaults());
    }

    /**
     * Starts the action with options on the managed executor and returns at once.
     *
     * @param input the input
     * @param options the run id and session
     * @return the run id
     * @throws io.crux.ee.api.exception.InvalidInputException if the input is not valid
     * @throws io.crux.ee.api.exception.FlowConflictException if {@code options.flowId()} is taken
     */
    String start(I input, RunOptions options);

    /**
     * Continues a suspended run without a signal payload and waits for it as {@link #run} does. A
     * {@link FlowScope#waitUntil waitUntil} suspension checks its condition again; a
     * {@link FlowScope#suspend suspend} without a delivered signal suspends again.
     *
     * @param flowId the run id
     * @return how the run ended for now
     * @throws io.crux.ee.api.exception.FlowNotFoundException if there is no such run
     * @throws io.crux.ee.api.exception.FlowStateException if the run is finished
     * @throws io.crux.ee.api.exception.FlowConflictException if another caller resumes it at the same
     *     time, or it is running on a server whose lease is live
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the flow is not durable
     */
    FlowResult<O> resume(String flowId);

    /**
     * Stores a signal for the run's open suspension and resumes the run, waiting for it as
     * {@link #run} does. The payload is converted to the suspension's payload type and checked with
     * Bean Validation first. Any server that shares the database can take the signal.
     *
     * @param flowId the run id
     * @param name the suspension's name
     * @param payload the payload, or {@code null}
     * @return how the run ended for now; {@link FlowResult.Expired} if the suspension expired
     * @throws io.crux.ee.api.exception.FlowNotFoundException if there is no such run
     * @throws io.crux.ee.api.exception.FlowStateException if the run is not suspended under {@code name}
     * @throws io.crux.ee.api.exception.FlowConflictException if another signal or resume won the race
     * @throws io.crux.ee.api.exception.InvalidInputException if the payload is not valid
     * @throws io.crux.ee.api.exception.FlowDefinitionException if the flow is not durable
     */
    FlowResult<O> signal(String flowId, String name, Object payload);

    /**
     * Cancels a run. A suspended run ends at once; a running step is interrupted and no further
     * step starts.
     *
     * @param flowId the run id
     * @param reason why, stored with the run
     * @throws io.crux.ee.api.exception.FlowNotFoundException if there is no such run
     * @throws io.crux.ee.api.exception.FlowStateException if the run is already finished
     */
    void cancel(String flowId, String reason);

    /**
     * Reads a run of this flow.
     *
     * @param flowId the run id
     * @return the run with its steps, or empty if there is none of this flow (always empty for a
     *     flow that is not durable)
     */
    Optional<FlowRunInfo> get(String flowId);

    /**
     * Lists runs of this flow, newest first, at most 500.
     *
     * @param status the status to match, or {@code null} for all
     * @return the runs, without their steps; empty for a flow that is not durable
     */
    List<FlowRunInfo> list(FlowStatus status);
}
