package io.crux.ee.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crux.ee.api.FlowStatus;

/**
 * Where runs, checkpoints and suspensions are kept. The engine calls it from managed executor
 * threads; implementations are thread-safe and run every method in a transaction of its own.
 *
 * <p>Operations of the node that executes a run ({@link #whileHolding}, {@link #suspend},
 * {@link #finish}) check that the node still holds the run, in the transaction of the write: this
 * is the fencing that keeps a node that lost its lease from writing. Operations of other callers
 * ({@link #claim}, {@link #end}) compare the version they read: a changed version or a taken key
 * throws {@link io.crux.ee.api.exception.FlowConflictException}.
 *
 * <p>Lease ends are given on the engine's clock. A store shared by several servers measures them
 * on its own clock instead (the database's): it keeps the lease's length from its own current
 * time, and compares lease ends with its own current time, so that the servers' clocks never
 * decide who holds a run.
 *
 * <p>Any method may throw {@link io.crux.ee.api.exception.CruxPersistenceException} when the
 * database fails for a reason other than a conflict.
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
     * Counts the runs that have a status, by flow, for the metrics of {@link FlowMetrics}; the
     * engine calls it at a maintenance pass when metrics are recorded and were read since its last
     * count.
     *
     * @param status the status
     * @return the number of runs by flow name, flows without such runs left out; empty by default,
     *     for a store that does not count (the engine then reports no count at all)
     */
    default Optional<Map<String, Long>> countRuns(FlowStatus status) {
        return Optional.empty();
    }

    /**
     * @param parentFlowId a run id
     * @return the runs started from steps of that run that are not final yet (running or
     *     suspended), oldest first
     */
    List<RunRecord> findOpenChildren(String parentFlowId);

    /**
     * Reads one page of runs in the store itself (filters, order and page in one query), from
     * what is committed now: no cache of earlier reads.
     *
     * @param query the filters and the page
     * @return the runs of the page, newest first, without their suspensions' payloads (and, from a
     *     store that keeps runs outside the heap, without their input and output)
     */
    List<RunRecord> findRuns(RunQuery query);

    /**
     * Counts the runs that match a query's filters apart from its status and its page, by status, in
     * the store itself (one query). By default it reads every run: stores override it.
     *
     * @param query the filters; its status, start and page are ignored
     * @return how many runs have each status; a status without runs may be absent
     */
    default java.util.Map<FlowStatus, Long> countByStatus(RunQuery query) {
        RunQuery any = query.anyStatus();
        java.util.Map<FlowStatus, Long> counts = new java.util.EnumMap<>(FlowStatus.class);
        listRuns(null, null, Integer.MAX_VALUE).stream()
                .filter(any::matches)
                .forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        return counts;
    }

    /**
     * Reads the runs of some flows written after an instant, so that a watcher that polls sees
     * every change: oldest write first. By default it reads every run: stores override it.
     *
     * @param flowNames the flows
     * @param since only runs whose {@code updatedAt} is after this
     * @param limit the most to return
     * @return the runs, without input and output, by {@code updatedAt} then id
     */
    default List<RunRecord> findUpdatedSince(java.util.Set<String> flowNames, Instant since, int limit) {
        return listRuns(null, null, Integer.MAX_VALUE).stream()
                .filter(r -> flowNames.contains(r.flowName())
                        && r.updatedAt() != null
                        && r.updatedAt().isAfter(since))
                .sorted(java.util.Comparator.comparing(RunRecord::updatedAt).thenComparing(RunRecord::flowId))
                .limit(limit)
                .toList();
    }

    /**
     * @param parentFlowId a run id
     * @return every run started from steps of that run, final ones included, oldest first
     */
    default List<RunRecord> findChildren(String parentFlowId) {
        return listRuns(null, null, Integer.MAX_VALUE).stream()
                .filter(r -> parentFlowId.equals(r.parentFlowId()))
                .sorted(java.util.Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::flowId))
                .toList();
    }

    /**
     * Keeps the step that failed a run for good with the run. The engine calls it in the
     * transaction that ends the run (from {@code finish}'s {@code alongside}), so it costs no commit
     * of its own. By default it keeps nothing.
     *
     * @param flowId the run id
     * @param failure the step and its failed attempts
     */
    default void recordFailure(String flowId, StepFailure failure) {}

    /**
     * @param flowId the run id
     * @return the step that failed the run for good, as {@link #recordFailure} kept it, or empty
     */
    default Optional<StepFailure> findFailure(String flowId) {
        return Optional.empty();
    }

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
     * Does {@code work} for the node that executes a run, in one transaction that first checks, in
     * it, that the node still holds the run: the run is {@link FlowStatus#RUNNING} and
     * {@code owner} is its owner. The check holds until the transaction ends (a row lock, or a
     * conditional update), so that no claim by another node commits in between. The engine writes
     * every checkpoint and every event of a run this way. {@code work} uses this and other stores
     * of the same database, which join the transaction.
     *
     * @param flowId the run id
     * @param owner the node that executes it
     * @param work the writes
     * @param <T> what {@code work} returns
     * @return what {@code work} returned
     * @throws io.crux.ee.api.exception.LeaseLostException if another node or none holds the run;
     *     nothing was written
     * @throws io.crux.ee.api.exception.FlowCancelledException if the run was cancelled while
     *     {@code owner} held it; nothing was written, and the owner ends the run with
     *     {@link #finish}
     */
    <T> T whileHolding(String flowId, String owner, java.util.function.Supplier<T> work);

    /**
     * Saves a checkpoint and what goes with it in one transaction, only while {@code owner} holds the
     * run: what {@code whileHolding(checkpoint.flowId(), owner, () -> saveCheckpoint(checkpoint,
     * alongside))} does, which a store may do in fewer round trips to its database (the JPA store on
     * PostgreSQL locks the run's row and inserts the checkpoint in one statement).
     *
     * @param owner the node that executes the run
     * @param checkpoint the checkpoint
     * @param alongside the writes of the same transaction (the step's items and events)
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.LeaseLostException if another node or none holds the run;
     *     nothing was written
     * @throws io.crux.ee.api.exception.FlowCancelledException if the run was cancelled while
     *     {@code owner} held it; nothing was written
     * @throws io.crux.ee.api.exception.FlowConflictException if the position is taken
     */
    default <T> T saveCheckpointHolding(
            String owner, CheckpointRecord checkpoint, java.util.function.Supplier<T> alongside) {
        return whileHolding(checkpoint.flowId(), owner, () -> saveCheckpoint(checkpoint, alongside));
    }

    /**
     * Saves a checkpoint that nothing goes with, only while {@code owner} holds the run: what
     * {@code saveCheckpointHolding(owner, checkpoint, () -> null)} does. With no writes of other
     * stores to join, a store may commit it on a connection of its own when the calling thread has
     * no JTA transaction, without the transaction manager (the JPA store does on PostgreSQL).
     *
     * @param owner the node that executes the run
     * @param checkpoint the checkpoint
     * @throws io.crux.ee.api.exception.LeaseLostException if another node or none holds the run;
     *     nothing was written
     * @throws io.crux.ee.api.exception.FlowCancelledException if the run was cancelled while
     *     {@code owner} held it; nothing was written
     * @throws io.crux.ee.api.exception.FlowConflictException if the position is taken
     */
    default void saveCheckpointHolding(String owner, CheckpointRecord checkpoint) {
        saveCheckpointHolding(owner, checkpoint, () -> null);
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
     * Marks a running run suspended, as {@link #suspend(String, String, SuspensionRecord)} does, and
     * hands the run as stored now to {@code alongside} in the same transaction: the engine writes
     * the request's {@code request.suspended} event with the suspension, so that no stream sees the
     * one without the other. {@code alongside} uses other stores of the same database, which join
     * the transaction, and may be called again if the store retries. By default the two happen one
     * after the other.
     *
     * @param flowId the run id
     * @param owner the node that executes it
     * @param suspension the suspension
     * @param alongside more writes, given the run as stored now (its status is not
     *     {@link FlowStatus#SUSPENDED} if a caller cancelled it first, and then it is no longer held,
     *     as after {@code finish}), committed (or rolled back) with it
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.FlowConflictException if another node holds the run
     */
    default <T> T suspend(
            String flowId,
            String owner,
            SuspensionRecord suspension,
            java.util.function.Function<RunRecord, T> alongside) {
        return alongside.apply(suspend(flowId, owner, suspension));
    }

    /**
     * Ends a running run. A run that another caller cancelled while {@code owner} held it is left
     * cancelled, and no longer held: the owner acknowledges the cancel (and writes the request's
     * last event alongside).
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
    default <T> T finish(
            String flowId,
            String owner,
            FlowStatus status,
            Payload output,
            String error,
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
     * Ends a run that this caller does not execute, as {@link #end(RunRecord, FlowStatus, String)}
     * does, and hands the run as stored now to {@code alongside} in the same transaction. A running
     * run whose lease is live keeps its owner, which sees the cancel at its next write or lease
     * renewal and ends the run itself; any other run is no longer held by anybody, and
     * {@code alongside} writes the request's last event. By default the two happen one after the
     * other.
     *
     * @param seen the run as the caller read it
     * @param status {@link FlowStatus#CANCELLED} or {@link FlowStatus#EXPIRED}
     * @param reason the reason, or {@code null}
     * @param alongside more writes, given the run as stored now
     * @param <T> what {@code alongside} returns
     * @return what {@code alongside} returned
     * @throws io.crux.ee.api.exception.FlowConflictException if the run changed since it was read
     */
    default <T> T end(
            RunRecord seen, FlowStatus status, String reason, java.util.function.Function<RunRecord, T> alongside) {
        return alongside.apply(end(seen, status, reason));
    }

    /**
     * Finds running runs that need a new owner: those of {@code owner} (which just started, so
     * they are orphans) and those whose lease ended before {@code now}; and cancelled runs whose
     * owner never acknowledged the cancel, on the same terms.
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

    /**
     * Begins the transaction of one attempt of a transactional step on the calling thread: the
     * step's own writes through the container's resources join it, and so do this store's writes
     * on this thread until it ends, the step's checkpoint among them. By default there is none
     * ({@link StepTransaction#NONE}), for a store that keeps nothing in a database.
     *
     * @param timeout the attempt's timeout, the transaction's too; or {@code null} for the
     *     transaction manager's default
     * @return the transaction, to be committed or rolled back on this thread
     * @throws io.crux.ee.api.exception.CruxPersistenceException if no transaction can begin (the
     *     thread has one already)
     */
    default StepTransaction beginStep(java.time.Duration timeout) {
        return StepTransaction.NONE;
    }

    /**
     * Runs {@code action} once the writes this thread made through the stores are committed: at
     * once when they committed in transactions of their own (the default); when the caller's
     * transaction that they joined commits, and never if it rolls back. The engine hands stored
     * events to the streams this way, so that no stream sees an event that is not committed.
     *
     * @param action what must see only committed writes
     */
    default void afterCommit(Runnable action) {
        action.run();
    }

    /**
     * Extends the leases of every running run of {@code owner}, as {@link #renewLeases} does, and
     * tells which runs {@code owner} holds now: the node stops executing any other.
     *
     * @param owner this node
     * @param leaseUntil the new end of the leases
     * @return the ids of the running runs {@code owner} holds
     */
    default java.util.Set<String> renewHeldLeases(String owner, Instant leaseUntil) {
        renewLeases(owner, leaseUntil);
        return listRuns(null, FlowStatus.RUNNING, Integer.MAX_VALUE).stream()
                .filter(r -> owner.equals(r.owner()))
                .map(RunRecord::flowId)
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Holds a node id for one engine: renews the hold when that engine holds it already; takes it
     * when nobody holds it (never held, released by {@link #releaseNode}, or not renewed for
     * {@code staleAfter} by the database's clock); otherwise changes nothing. Each write counts in
     * {@link NodeRecord#beats()}. It commits in a transaction of its own, never a caller's: a
     * caller's would keep the row locked until it ends and could roll the hold back.
     *
     * <p>The default is for a store that only one process uses (an in-memory one): nothing to guard.
     * A store that several servers share implements it, so that two live servers with one node id
     * do not take each other's runs.
     *
     * @param me the engine that wants the id
     * @param staleAfter how long a holder that stopped renewing keeps the id (the lease duration)
     * @return the holder after the call: {@code me}'s incarnation if it holds the id, else the other
     */
    default NodeRecord holdNode(NodeRecord me, Duration staleAfter) {
        return me;
    }

    /**
     * Takes a node id from a holder whose process the caller knows to have ended, if the row is as
     * it was read (same {@link NodeRecord#beats()}).
     *
     * @param me the engine that takes the id
     * @param from the holder as read
     * @return whether {@code me} holds the id now
     */
    default boolean takeNode(NodeRecord me, NodeRecord from) {
        return true;
    }

    /**
     * Gives a node id up as its engine closes, so that a server that starts next with that id takes it at once.
     *
     * @param nodeId the node id
     * @param incarnation the engine that held it; nothing changes if another holds it now
     */
    default void releaseNode(String nodeId, String incarnation) {}
}
