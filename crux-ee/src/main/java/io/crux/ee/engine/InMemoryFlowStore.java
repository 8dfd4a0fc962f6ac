package io.crux.ee.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
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
                .filter(r -> (flowName == null || r.flowName().equals(flowName)) && (status == null || r.status() == status))
                .sorted(Comparator.comparing(RunRecord::createdAt).reversed())
                .limit(limit)
                .toList();
    }

    @Override
    public List<RunRecord> findRuns(RunQuery query) {
        return runs.values().stream()
                .filter(r -> query.flowNames().contains(r.flowName()) && (query.status() == null || r.status() == query.status())
                        && (query.userId() == null || query.userId().equals(r.userId())))
                .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::flowId).reversed())
                .skip(query.offset())
                .limit(query.limit())
                .toList();
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
        CheckpointRecord checkpoint = codec == null || saved.value() == null ? saved : new CheckpointRecord(saved.flowId(),
                saved.position(), saved.label(), saved.kind(), null, saved.payload(codec), saved.attempts(), saved.fallback(),
                saved.completedAt());
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
    public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
        return owned(flowId, owner, r -> copy(r, FlowStatus.SUSPENDED, r.output(), r.error(), suspension, null, null,
                suspension.suspendedAt()));
    }

    @Override
    public RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error) {
        return owned(flowId, owner, r -> copy(r, status, output, error, r.suspension(), null, null, clock.instant()));
    }

    @Override
    public RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal) {
        RunRecord claimed = compareAndSet(seen, r -> copy(r, FlowStatus.RUNNING, r.output(), r.error(), r.suspension(),
                owner, leaseUntil, clock.instant()));
        if (signal != null) {
            saveCheckpoint(signal);
        }
        return claimed;
    }

    @Override
    public RunRecord end(RunRecord seen, FlowStatus status, String reason) {
        return compareAndSet(seen, r -> copy(r, status, r.output(), reason, r.suspension(), r.owner(), r.leaseUntil(),
                clock.instant()));
    }

    @Override
    public List<RunRecord> findRecoverable(String owner, Instant now, int limit) {
        return runs.values().stream()
                .filter(r -> r.status() == FlowStatus.RUNNING && (owner.equals(r.owner()) || r.leaseExpiredAt(now)))
                .sorted(Comparator.comparing(RunRecord::createdAt))
                .limit(limit)
                .toList();
    }

    @Override
    public List<RunRecord> findCancelled(String owner, Instant since) {
        return runs.values().stream()
                .filter(r -> r.status() == FlowStatus.CANCELLED && owner.equals(r.owner()) && r.updatedAt().isAfter(since))
                .toList();
    }

    @Override
    public int renewLeases(String owner, Instant leaseUntil) {
        int[] count = {0};
        runs.replaceAll((id, r) -> {
            if (r.status() == FlowStatus.RUNNING && owner.equals(r.owner())) {
                count[0]++;
                return copy(r, r.status(), r.output(), r.error(), r.suspension(), owner, leaseUntil, r.updatedAt());
            }
            return r;
        });
        return count[0];
    }

    private RunRecord owned(String flowId, String owner, UnaryOperator<RunRecord> change) {
        RunRecord[] result = new RunRecord[1];
        runs.compute(flowId, (id, r) -> {
            if (r == null) {
                throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
            }
            if (r.status().isFinal()) {
                result[0] = r;
                return r;
            }
            if (!owner.equals(r.owner())) {
                throw new FlowConflictException(Messages.lostLease(flowId, r.owner()), flowId, null);
            }
            result[0] = change.apply(r);
            return result[0];
        });
        return result[0];
    }

    private RunRecord compareAndSet(RunRecord seen, UnaryOperator<RunRecord> change) {
        RunRecord[] result = new RunRecord[1];
        runs.compute(seen.flowId(), (id, r) -> {
            if (r == null || r.version() != seen.version()) {
                throw new FlowConflictException(Messages.runChanged(seen.flowId()), seen.flowId(), null);
            }
            result[0] = change.apply(r);
            return result[0];
        });
        return result[0];
    }

    private static RunRecord copy(RunRecord r, FlowStatus status, Payload output, String error, SuspensionRecord suspension,
            String owner, Instant leaseUntil, Instant updatedAt) {
        return new RunRecord(r.flowId(), r.flowName(), r.action(), status, r.parentFlowId(), r.sessionId(), r.userId(),
                r.projectId(), r.events(), r.input(),
                output, error, suspension, owner, leaseUntil, r.createdAt(), updatedAt, r.version() + 1);
    }
}
