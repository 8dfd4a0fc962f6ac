package io.crux.ee.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.NodeRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * A {@link FlowStore} in the heap, with the same conflict rules as the database store. For tests,
 * the test kit and benchmarks. Like a database store it encodes a checkpoint's value when it is
 * saved, so that a resumed run reads back what a database would give it (a step whose value does
 * not survive JSON shows it in a test, not in production); {@link #keepingLiveValues} keeps the
 * values themselves instead, for benchmarks of the engine alone.
 */
public final class InMemoryFlowStore implements FlowStore {

    private final Clock clock;
    /** Encodes checkpoint values when they are saved; {@code null} keeps them live. */
    private final PayloadCodec codec;

    private final Map<String, RunRecord> runs = new ConcurrentHashMap<>();
    private final Map<String, List<CheckpointRecord>> checkpoints = new ConcurrentHashMap<>();
    private final Map<String, io.crux.ee.spi.StepFailure> failures = new ConcurrentHashMap<>();
    /**
     * The monitors of the runs' rows, by the run id's hash: held by every change of a run, and by
     * the writes under its lease. Never two at once.
     */
    private final Object[] locks = new Object[64];
    /** Who holds each node id: engines that share this store in one JVM, as servers share a database. */
    private final Map<String, NodeRecord> nodes = new ConcurrentHashMap<>();

    /** A store that stamps writes with the system clock. */
    public InMemoryFlowStore() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock stamps {@code updatedAt} of every write; give it the engine's clock
     */
    public InMemoryFlowStore(Clock clock) {
        this(clock, new JsonbPayloadCodec());
    }

    private InMemoryFlowStore(Clock clock, PayloadCodec codec) {
        this.clock = clock;
        this.codec = codec;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    /**
     * @param clock stamps {@code updatedAt} of every write
     * @return a store that keeps checkpoint values as they are, never encoding them
     */
    public static InMemoryFlowStore keepingLiveValues(Clock clock) {
        return new InMemoryFlowStore(clock, null);
    }

    @Override
    public void createRun(RunRecord run) {
        if (runs.putIfAbsent(run.flowId(), run) != null) {
            throw new FlowConflictException(Messages.runIdTaken(run.flowId()), run.flowId(), null);
        }
        checkpoints.put(run.flowId(), new ArrayList<>());
    }

    @Override
    public Optional<RunRecord> findRun(String flowId) {
        return Optional.ofNullable(runs.get(flowId));
    }

    @Override
    public List<RunRecord> listRuns(String flowName, FlowStatus status, int limit) {
        return runs.values().stream()
                .filter(r ->
                        (flowName == null || r.flowName().equals(flowName)) && (status == null || r.status() == status))
                .sorted(Comparator.comparing(RunRecord::createdAt).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public Optional<Map<String, Long>> countRuns(FlowStatus status) {
        return Optional.of(runs.values().stream()
                .filter(r -> r.status() == status)
                .collect(Collectors.groupingBy(RunRecord::flowName, Collectors.counting())));
    }

    @Override
    public List<RunRecord> findOpenChildren(String parentFlowId) {
        return runs.values().stream()
                .filter(r ->
                        parentFlowId.equals(r.parentFlowId()) && !r.status().isFinal())
                .sorted(Comparator.comparing(RunRecord::createdAt))
                .toList();
    }

    @Override
    public List<RunRecord> findRuns(RunQuery query) {
        return runs.values().stream()
                .filter(query::matches)
                .sorted(Comparator.comparing(RunRecord::createdAt)
                        .thenComparing(RunRecord::flowId)
                        .reversed())
                .skip(query.offset())
                .limit(query.limit())
                .toList();
    }

    @Override
    public void recordFailure(String flowId, io.crux.ee.spi.StepFailure failure) {
        failures.put(flowId, failure);
    }

    @Override
    public Optional<io.crux.ee.spi.StepFailure> findFailure(String flowId) {
        return Optional.ofNullable(failures.get(flowId));
    }

    @Override
    public java.util.Map<FlowStatus, Long> countByStatus(RunQuery query) {
        RunQuery any = query.anyStatus();
        java.util.Map<FlowStatus, Long> counts = new java.util.EnumMap<>(FlowStatus.class);
        runs.values().stream().filter(any::matches).forEach(r -> counts.merge(r.status(), 1L, Long::sum));
        return counts;
    }

    @Override
    public List<CheckpointRecord> loadCheckpoints(String flowId) {
        List<CheckpointRecord> list = checkpoints.get(flowId);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    @Override
    public void saveCheckpoint(CheckpointRecord saved) {
        CheckpointRecord checkpoint = codec == null || saved.value() == null
                ? saved
                : new CheckpointRecord(
                        saved.flowId(),
                        saved.position(),
                        saved.label(),
                        saved.kind(),
                        null,
                        saved.payload(codec),
                        saved.attempts(),
                        saved.fallback(),
                        saved.completedAt(),
                        saved.startedAt(),
                        saved.failures());
        List<CheckpointRecord> list = checkpoints.computeIfAbsent(checkpoint.flowId(), k -> new ArrayList<>());
        synchronized (list) {
            if (list.stream().anyMatch(c -> c.position() == checkpoint.position())) {
                throw new FlowConflictException(Messages.runChanged(checkpoint.flowId()), checkpoint.flowId(), null);
            }
            list.add(checkpoint);
            list.sort(Comparator.comparingInt(CheckpointRecord::position));
        }
    }

    @Override
    public <T> T whileHolding(String flowId, String owner, Supplier<T> work) {
        synchronized (lockOf(flowId)) {
            RunRecord r = runs.get(flowId);
            if (r == null || !owner.equals(r.owner())) {
                throw new LeaseLostException(
                        Messages.fenced(
                                flowId,
                                owner,
                                r == null ? null : r.owner(),
                                r == null ? "none" : r.status().name()),
                        flowId,
                        r == null ? null : r.owner());
            }
            if (r.status() != FlowStatus.RUNNING) {
                throw new FlowCancelledException(Messages.cancelledElsewhere(flowId, r.error()), flowId, r.error());
            }
            return work.get();
        }
    }

    @Override
    public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
        // a run cancelled while this owner held it is no longer held: the owner acknowledged the cancel
        return owned(
                flowId,
                owner,
                r -> r.status().isFinal()
                        ? copy(r, r.status(), r.output(), r.error(), r.suspension(), null, null, r.updatedAt())
                        : copy(
                                r,
                                FlowStatus.SUSPENDED,
                                r.output(),
                                r.error(),
                                suspension,
                                null,
                                null,
                                suspension.suspendedAt()));
    }

    @Override
    public <T> T suspend(String flowId, String owner, SuspensionRecord suspension, Function<RunRecord, T> alongside) {
        synchronized (lockOf(flowId)) {
            return alongside.apply(suspend(flowId, owner, suspension));
        }
    }

    @Override
    public RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error) {
        // a run cancelled while this owner held it is no longer held: the owner acknowledged the cancel
        return owned(
                flowId,
                owner,
                r -> r.status().isFinal()
                        ? copy(r, r.status(), r.output(), r.error(), r.suspension(), null, null, r.updatedAt())
                        : copy(r, status, output, error, r.suspension(), null, null, clock.instant()));
    }

    @Override
    public <T> T finish(
            String flowId,
            String owner,
            FlowStatus status,
            Payload output,
            String error,
            Function<RunRecord, T> alongside) {
        synchronized (lockOf(flowId)) {
            return alongside.apply(finish(flowId, owner, status, output, error));
        }
    }

    @Override
    public RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal) {
        RunRecord claimed = compareAndSet(
                seen,
                r -> copy(
                        r,
                        FlowStatus.RUNNING,
                        r.output(),
                        r.error(),
                        r.suspension(),
                        owner,
                        leaseUntil,
                        clock.instant()));
        if (signal != null) {
            saveCheckpoint(signal);
        }
        return claimed;
    }

    @Override
    public RunRecord end(RunRecord seen, FlowStatus status, String reason) {
        return compareAndSet(seen, r -> {
            boolean held = r.status() == FlowStatus.RUNNING && r.owner() != null && !r.leaseExpiredAt(clock.instant());
            return copy(
                    r,
                    status,
                    r.output(),
                    reason,
                    r.suspension(),
                    held ? r.owner() : null,
                    held ? r.leaseUntil() : null,
                    clock.instant());
        });
    }

    @Override
    public <T> T end(RunRecord seen, FlowStatus status, String reason, Function<RunRecord, T> alongside) {
        synchronized (lockOf(seen.flowId())) {
            return alongside.apply(end(seen, status, reason));
        }
    }

    @Override
    public List<RunRecord> findRecoverable(String owner, Instant now, int limit) {
        return runs.values().stream()
                .filter(r ->
                        (r.status() == FlowStatus.RUNNING || r.status() == FlowStatus.CANCELLED && r.owner() != null)
                                && (owner.equals(r.owner()) || r.leaseExpiredAt(now)))
                .sorted(Comparator.comparing(RunRecord::createdAt))
                .limit(limit)
                .toList();
    }

    @Override
    public List<RunRecord> findCancelled(String owner, Instant since) {
        return runs.values().stream()
                .filter(r -> r.status() == FlowStatus.CANCELLED
                        && owner.equals(r.owner())
                        && r.updatedAt().isAfter(since))
                .toList();
    }

    @Override
    public int renewLeases(String owner, Instant leaseUntil) {
        return renewHeldLeases(owner, leaseUntil).size();
    }

    @Override
    public Set<String> renewHeldLeases(String owner, Instant leaseUntil) {
        return runs.keySet().stream()
                .filter(id -> {
                    synchronized (lockOf(id)) {
                        RunRecord r = runs.computeIfPresent(
                                id,
                                (k, run) -> run.status() == FlowStatus.RUNNING && owner.equals(run.owner())
                                        ? copy(
                                                run,
                                                run.status(),
                                                run.output(),
                                                run.error(),
                                                run.suspension(),
                                                owner,
                                                leaseUntil,
                                                run.updatedAt())
                                        : run);
                        return r != null && r.status() == FlowStatus.RUNNING && owner.equals(r.owner());
                    }
                })
                .collect(Collectors.toSet());
    }

    /** Changes a run that {@code owner} holds: running, or cancelled by another caller while it held it. */
    private RunRecord owned(String flowId, String owner, UnaryOperator<RunRecord> change) {
        synchronized (lockOf(flowId)) {
            RunRecord r = runs.get(flowId);
            if (r == null) {
                throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
            }
            if (!owner.equals(r.owner())) {
                throw new LeaseLostException(Messages.lostLease(flowId, r.owner()), flowId, r.owner());
            }
            RunRecord changed = change.apply(r);
            runs.put(flowId, changed);
            return changed;
        }
    }

    private RunRecord compareAndSet(RunRecord seen, UnaryOperator<RunRecord> change) {
        synchronized (lockOf(seen.flowId())) {
            RunRecord r = runs.get(seen.flowId());
            if (r == null || r.version() != seen.version()) {
                throw new FlowConflictException(Messages.runChanged(seen.flowId()), seen.flowId(), null);
            }
            RunRecord changed = change.apply(r);
            runs.put(seen.flowId(), changed);
            return changed;
        }
    }

    private Object lockOf(String flowId) {
        return locks[(flowId.hashCode() & 0x7fffffff) % locks.length];
    }

    private static RunRecord copy(
            RunRecord r,
            FlowStatus status,
            Payload output,
            String error,
            SuspensionRecord suspension,
            String owner,
            Instant leaseUntil,
            Instant updatedAt) {
        return new RunRecord(
                r.flowId(),
                r.flowName(),
                r.action(),
                status,
                r.parentFlowId(),
                r.sessionId(),
                r.userId(),
                r.projectId(),
                r.events(),
                r.input(),
                output,
                error,
                suspension,
                owner,
                leaseUntil,
                r.createdAt(),
                updatedAt,
                r.version() + 1,
                r.traceParent());
    }

    @Override
    public NodeRecord holdNode(NodeRecord me, Duration staleAfter) {
        Instant now = clock.instant();
        return nodes.compute(me.nodeId(), (id, held) -> {
            return held == null || held.sameHolder(me) || held.free(now, staleAfter) ? written(me, held, now) : held;
        });
    }

    @Override
    public boolean takeNode(NodeRecord me, NodeRecord from) {
        Instant now = clock.instant();
        return nodes.compute(
                        me.nodeId(),
                        (id, held) -> held != null && held.beats() == from.beats() ? written(me, held, now) : held)
                .sameHolder(me);
    }

    @Override
    public void releaseNode(String nodeId, String incarnation) {
        Instant now = clock.instant();
        nodes.computeIfPresent(
                nodeId,
                (id, held) -> incarnation.equals(held.incarnation())
                        ? new NodeRecord(
                                id,
                                null,
                                held.host(),
                                held.machine(),
                                held.pid(),
                                held.processStarted(),
                                held.beats() + 1,
                                now)
                        : held);
    }

    private static NodeRecord written(NodeRecord me, NodeRecord held, Instant now) {
        return new NodeRecord(
                me.nodeId(),
                me.incarnation(),
                me.host(),
                me.machine(),
                me.pid(),
                me.processStarted(),
                held == null ? 0 : held.beats() + 1,
                now);
    }
}
