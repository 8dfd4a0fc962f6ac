package io.crux.ee.service;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.json.JsonValue;

import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StepFailure;

/**
 * What an edge of the application that receives requests from outside (the HTTP API of
 * crux-ee-sse) needs of the engine, and nothing more: the flows defined here, their sessions and
 * runs, starting a run with input the edge has checked, and the live events of a run. In the
 * server it is a CDI bean of application scope; it is safe to use from many threads.
 *
 * <p>Input is checked once, at the edge that received it: the edge calls {@link #checkInput},
 * which holds the JSON to the action's published schema, binds it and validates it, and then
 * {@link #start} with the result, which the engine does not check again.
 */
public interface FlowService {

    /** @return the flows defined in this application */
    Collection<FlowKind> flows();

    /**
     * @param name a flow's name
     * @return that flow, or empty if it is not defined here
     */
    Optional<FlowKind> flow(String name);

    /** @return the store of sessions, state, items and request events */
    SessionStore sessions();

    /**
     * What a flow's {@code @ClientData} methods read of a session: its state documents and the
     * resources the flow declares.
     *
     * @param flow the flow's name
     * @param session the session, already checked to belong to the caller
     * @return the context to give the client-data methods
     * @throws FlowDefinitionException if no flow has that name
     */
    ClientData.Context clientData(String flow, SessionRecord session);

    /**
     * @param runId a run id
     * @return the stored run, or empty
     */
    Optional<RunRecord> run(String runId);

    /**
     * @param runId a run id
     * @return whether the run executes on this server now, so that its events reach
     *     {@link #subscribe} listeners as soon as they are stored
     */
    boolean executesHere(String runId);

    /**
     * Listens to a run's events as this server stores them, after their transaction committed.
     *
     * @param runId the run
     * @param listener called on the thread that stored the event; it must not block
     * @return closing it ends the subscription
     */
    AutoCloseable subscribe(String runId, Consumer<EventRecord> listener);

    /**
     * Reads one page of runs of the flows defined here, newest first.
     *
     * @param status the status to match, or {@code null}
     * @param userId the user whose runs to return, or {@code null} for every run
     * @param offset how many matching runs to skip
     * @param limit the most to return
     * @return the runs, without steps
     */
    List<FlowRunInfo> findRuns(FlowStatus status, String userId, int offset, int limit);

    /**
     * Holds received JSON to the action's input schema, binds it to the input type and validates it.
     *
     * @param flow the flow's name
     * @param action the action's name
     * @param input the parsed request body
     * @return the input, ready for {@link #start}
     * @throws InvalidInputException if it does not fit the schema, does not bind or is not valid
     * @throws FlowDefinitionException if the flow or the action does not exist
     */
    Object checkInput(String flow, String action, JsonValue input);

    /**
     * Starts a run with input that {@link #checkInput} returned, without checking it again. The
     * caller vouches for the input: anything else passed here reaches the flow unchecked, so only an
     * edge that called {@link #checkInput} for this flow and action calls it.
     *
     * @param flow the flow's name
     * @param action the action's name
     * @param checkedInput what {@link #checkInput} returned for this flow and action
     * @param options who the run is for and whether it records request events
     * @return the run id
     * @throws FlowDefinitionException if the flow or the action does not exist
     */
    String start(String flow, String action, Object checkedInput, RunOptions options);

    /**
     * @param flow the flow's name
     * @param action the action's name, or empty for the only one
     * @return a handle to the flow's action
     * @throws FlowDefinitionException if the flow or action does not exist or the action is ambiguous
     */
    FlowHandle<Object, Object> handle(String flow, String action);

    /**
     * @param runId a stored run's id
     * @return a handle to the run's flow and action
     * @throws FlowNotFoundException if the run does not exist or its flow is not defined here
     */
    FlowHandle<Object, Object> handleOfRun(String runId);

    /**
     * Reads one page of runs of the flows defined here, newest first, filtered in the store.
     *
     * @param filter the filters and the page
     * @return the runs, without input, output and steps
     */
    List<RunRecord> findRuns(RunFilter filter);

    /**
     * @param filter the filters; its status and page are ignored
     * @return how many runs of the flows defined here match, by status (counted in the store)
     */
    Map<FlowStatus, Long> countByStatus(RunFilter filter);

    /**
     * @param since an instant
     * @param limit the most to return
     * @return the runs of the flows defined here written after {@code since}, oldest write first
     */
    List<RunRecord> changedSince(Instant since, int limit);

    /**
     * @param runId a run id
     * @return its checkpoints by position, with their attempts' times and failures
     */
    List<CheckpointRecord> checkpoints(String runId);

    /**
     * @param runId a run id
     * @return every run started from its steps, oldest first
     */
    List<RunRecord> children(String runId);

    /**
     * @param runId a run id
     * @return the attempts of its steps that run on this server now
     */
    List<RunningAttempt> running(String runId);

    /**
     * @param flow a flow's name
     * @param payloadType the binary class name of a suspension's payload
     * @return the JSON Schema of that type, or empty if the flow or the type is not known here
     */
    Optional<Map<String, Object>> payloadSchema(String flow, String payloadType);

    /**
     * @param runId a run id
     * @return the step that failed the run for good, with its failed attempts, or empty
     */
    Optional<StepFailure> failure(String runId);
}
