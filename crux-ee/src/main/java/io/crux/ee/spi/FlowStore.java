package io.crux.ee.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.crux.ee.api.FlowStatus;

/**
 * Where runs, checkpoints and suspensions are kept. The engine calls it from managed executor
 * threads; implementations are thread-safe and run every method in a transaction of its own.
 *
 * <p>Operations of the node that executes a run ({@link #saveCheckpoint}, {@link #suspend},
 * {@link #finish}) check that the node still holds the run. Operations of other callers
 * ({@link #claim}, {@link #end}) compare the version they read: a changed version or a taken key
 * throws {@link io.crux.ee.api.exception.FlowConflictException}.
 */
public interface FlowStore {

    /**
     * Stores a new run.
     *
     * @param run the run, status {@link FlowStatus#RUNNING}
     * @throws io.crux.ee.api.exception.FlowConflictException if the id is taken
     */
    void createRun(RunRecord run);

    /**
     * Stores a new run and does {@code alongside} in the same transaction: the engine writes the
     * request's first events with the run's row. {@code alongside} uses other stores of the same
     * database, which join the transaction. By default the two happen one after the other.
     *
     * @param run the run, status {@link FlowStatus#RUNNING}
     * @param alongside more writes, committed (or rolled back) with the run
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.FlowConflictException if the id is taken
     */
    default <T> T createRun(RunRecord run, java.util.function.Supplier<T> alongside) {
        createRun(run);
        return alongside.get();
    }

    /**
     * @param flowId the run id
     * @return the run with its open suspension, or empty
     */
    Optional<RunRecord> findRun(String flowId);

    /**
     * @param flowName the flow's name, or {@code null} for every flow
     * @param status the status to match, or {@code null} for all
     * @param limit the most to return
     * @return runs, newest first
     */
    List<RunRecord> listRuns(String flowName, FlowStatus status, int limit);

    /**
     * Reads one page of runs in the store itself (filters, order and page in one query), from
     * what is committed now: no cache of earlier reads.
     *
     * @param query the filters and the page
     * @return the runs of the page, newest first, without their suspensions' payloads
     */
    List<RunRecord> findRuns(RunQuery query);

    /**
     * Loads every checkpoint of a run in one query.
     *
     * @param flowId the run id
     * @return the checkpoints by position
     */
    List<CheckpointRecord> loadCheckpoints(String flowId);

    /**
     * Stores one checkpoint in one transaction.
     *
     * @param checkpoint the checkpoint
     * @throws io.crux.ee.api.exception.FlowConflictException if the position is taken
     */
    void saveCheckpoint(CheckpointRecord checkpoint);

    /**
     * Stores one checkpoint and does {@code alongside} in the same transaction: the engine writes
     * a step's checkpoint with the items and events the step emitted, so that a step costs one
     * commit. {@code alongside} uses other stores of the same database, which join the
     * transaction. By default the two happen one after the other.
     *
     * @param checkpoint the checkpoint
     * @param alongside more writes, committed (or rolled back) with the checkpoint
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.FlowConflictException if the position is taken
     */
    default <T> T saveCheckpoint(CheckpointRecord checkpoint, java.util.function.Supplier<T> alongside) {
        saveCheckpoint(checkpoint);
        return alongside.get();
    }

    /**
     * Marks a running run suspended and stores its suspension.
     *
     * @param flowId the run id
     * @param owner the node that executes it
     * @param suspension the suspension
     * @return the run as stored now; its status is not {@link FlowStatus#SUSPENDED} if a
     *     caller ended it first (a cancel)
     * @throws io.crux.ee.api.exception.FlowConflictException if another node holds the run
     */
    RunRecord suspend(String flowId, String owner, SuspensionRecord suspension);

    /**
     * Ends a running run.
     *
     * @param flowId the run id
     * @param owner the node that executes it
     * @param status the final status
     * @param output the output of a completed run, or {@code null}
     * @param error the failure message, or {@code null}
     * @return the run as stored now; its status is the one a concurrent cancel set, if any
     * @throws io.crux.ee.api.exception.FlowConflictException if another node holds the run
     */
    RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error);

    /**
     * Ends a running run, as {@link #finish(String, String, FlowStatus, Payload, String)} does, and
     * hands the run as stored now to {@code alongside} in the same transaction: the engine writes
     * the request's last event with the run's end. {@code alongside} uses other stores of the same
     * database, which join the transaction, and may be called again if the store retries. By
     * default the two happen one after the other.
     *
     * @param flowId the run id
     * @param owner the node that executes it
     * @param status the final status
     * @param output the output of a completed run, or {@code null}
     * @param error the failure message, or {@code null}
     * @param alongside more writes, given the run as stored now (its status is the one a
     *     concurrent cancel set, if any), committed (or rolled back) with the run's end
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.FlowConflictException if another node holds the run
     */
    default <T> T finish(String flowId, String owner, FlowStatus status, Payload output, String error,
            java.util.function.Function<RunRecord, T> alongside) {
        return alongside.apply(finish(flowId, owner, status, output, error));
    }

    /**
     * Takes a suspended run, or a running one whose lease ran out, for execution on {@code owner}.
     * When {@code signal} is given, the open suspension is closed with it and the signal is stored
     * as the checkpoint at the suspension's position, in the same transaction.
     *
     * @param seen the run as the caller read it
     * @param owner the node that will execute it
     * @param leaseUntil the end of the new lease
     * @param signal the signal's checkpoint, or {@code null}
     * @return the run as stored now
     * @throws io.crux.ee.api.exception.FlowConflictException if the run changed since it was read
     */
    RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal);

    /**
     * Ends a run that this caller does not execute: a cancel, or an expired suspension.
     *
     * @param seen the run as the caller read it
     * @param status {@link FlowStatus#CANCELLED} or {@link FlowStatus#EXPIRED}
     * @param reason the reason, or {@code null}
     * @return the run as stored now
     * @throws io.crux.ee.api.exception.FlowConflictException if the run changed since it was read
     */
    RunRecord end(RunRecord seen, FlowStatus status, String reason);

    /**
     * Finds running runs that need a new owner: those of {@code owner} (which just started, so
     * they are orphans) and those whose lease ended before {@code now}.
     *
     * @param owner this node
     * @param now the current time
     * @param limit the most to return
     * @return the runs, oldest first
     */
    List<RunRecord> findRecoverable(String owner, Instant now, int limit);

    /**
     * Finds runs that another node cancelled while {@code owner} was executing them, so that the
     * owner can interrupt their steps.
     *
     * @param owner this node
     * @param since only runs cancelled after this time
     * @return the cancelled runs
     */
    List<RunRecord> findCancelled(String owner, Instant since);

    /**
     * Extends the leases of every running run of {@code owner}.
     *
     * @param owner this node
     * @param leaseUntil the new end of the leases
     * @return how many leases were extended
     */
    int renewLeases(String owner, Instant leaseUntil);
}
