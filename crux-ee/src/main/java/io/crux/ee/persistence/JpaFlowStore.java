package io.crux.ee.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.CacheRetrieveMode;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;


import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.engine.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * The {@link FlowStore} on JPA, persistence unit {@code crux}. Each writing method is one
 * transaction of its own (see {@link Transactions}).
 */
@ApplicationScoped
public class JpaFlowStore implements FlowStore {

    @PersistenceContext(unitName = "crux")
    EntityManager em;

    private final PayloadCodec codec = new JsonbPayloadCodec();

    @Override
    public void createRun(RunRecord run) {
        createRun(run, () -> null);
    }

    @Override
    public <T> T createRun(RunRecord run, Supplier<T> alongside) {
        return Transactions.write("create", run.flowId(), () -> {
            FlowRunEntity e = new FlowRunEntity();
            e.id = run.flowId();
            e.flowName = run.flowName();
            e.action = run.action();
            e.parentId = run.parentFlowId();
            e.sessionId = run.sessionId();
            e.userId = run.userId();
            e.projectId = run.projectId();
            e.events = run.events();
            e.inputType = run.input().type();
            e.inputJson = run.input().json();
            e.createdAt = run.createdAt();
            apply(e, run.status(), run.owner(), run.leaseUntil(), run.updatedAt());
            em.persist(e);
            T result = alongside.get();
            em.flush();
            return result;
        });
    }

    @Override
    public Optional<RunRecord> findRun(String flowId) {
        return Transactions.read("read", flowId, () -> Optional.ofNullable(em.find(FlowRunEntity.class, flowId)).map(JpaFlowStore::record));
    }

    @Override
    public List<RunRecord> listRuns(String flowName, FlowStatus status, int limit) {
        return Transactions.read("list runs", null, () -> query(flowName, status, limit));
    }

    private List<RunRecord> query(String flowName, FlowStatus status, int limit) {
        // parameters are only bound when used: PostgreSQL cannot type a bare "? is null"
        String where = (flowName == null ? "1 = 1" : "r.flowName = :name") + (status == null ? "" : " and r.status = :status");
        var q = em.createQuery("select r from FlowRunEntity r where " + where + " order by r.createdAt desc", FlowRunEntity.class)
                .setMaxResults(limit);
        if (flowName != null) {
            q.setParameter("name", flowName);
        }
        if (status != null) {
            q.setParameter("status", status);
        }
        return q.getResultList().stream().map(JpaFlowStore::record).toList();
    }

    @Override
    public List<RunRecord> findRuns(RunQuery query) {
        if (query.flowNames().isEmpty()) {
            return List.of();
        }
        // parameters are only bound when used: PostgreSQL cannot type a bare "? is null"
        String where = "r.flowName in :names" + (query.status() == null ? "" : " and r.status = :status")
                + (query.userId() == null ? "" : " and r.userId = :user");
        return Transactions.read("list runs", null, () -> {
            var q = em.createQuery("select r from FlowRunEntity r where " + where + " order by r.createdAt desc, r.id desc",
                            FlowRunEntity.class)
                    .setParameter("names", query.flowNames())
                    .setHint("jakarta.persistence.cache.retrieveMode", CacheRetrieveMode.BYPASS)
                    .setHint("eclipselink.refresh", "true")
                    // the suspensions in the same query, not one more select per run
                    .setHint("eclipselink.left-join-fetch", "r.suspension")
                    .setFirstResult(query.offset())
                    .setMaxResults(query.limit());
            if (query.status() != null) {
                q.setParameter("status", query.status());
            }
            if (query.userId() != null) {
                q.setParameter("user", query.userId());
            }
            return q.getResultList().stream().map(JpaFlowStore::record).toList();
        });
    }

    @Override
    public List<CheckpointRecord> loadCheckpoints(String flowId) {
        return Transactions.read("load checkpoints", flowId, () -> em.createQuery(
                        "select c from StepCheckpointEntity c where c.flowId = :id order by c.position", StepCheckpointEntity.class)
                .setParameter("id", flowId)
                .getResultList().stream()
                .map(c -> new CheckpointRecord(c.flowId, c.position, c.label, c.kind, null,
                        new Payload(c.outputType, c.outputJson), c.attempts, c.fallback, c.completedAt))
                .toList());
    }

    @Override
    public void saveCheckpoint(CheckpointRecord checkpoint) {
        Transactions.write("save a checkpoint", checkpoint.flowId(), () -> {
            em.persist(entity(checkpoint));
            em.flush();
            return null;
        });
    }

    @Override
    public <T> T saveCheckpoint(CheckpointRecord checkpoint, Supplier<T> alongside) {
        return Transactions.write("save a checkpoint", checkpoint.flowId(), () -> {
            em.persist(entity(checkpoint));
            T result = alongside.get();
            em.flush();
            return result;
        });
    }

    @Override
    public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
        return Transactions.writeOwned("suspend", flowId, () -> {
            FlowRunEntity e = owned(flowId, owner);
            if (e.status.isFinal()) {
                return record(e);
            }
            SuspensionEntity s = new SuspensionEntity();
            s.id = UUID.randomUUID().toString();
            s.flowId = flowId;
            s.position = suspension.position();
            s.name = suspension.name();
            s.payloadType = suspension.payloadType();
            s.state = SuspensionEntity.OPEN;
            s.suspendedAt = suspension.suspendedAt();
            s.expiresAt = suspension.expiresAt();
            em.persist(s);
            e.suspension = s;
            apply(e, FlowStatus.SUSPENDED, null, null, suspension.suspendedAt());
            em.flush();
            return record(e);
        });
    }

    @Override
    public RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error) {
        return finish(flowId, owner, status, output, error, run -> run);
    }

    @Override
    public <T> T finish(String flowId, String owner, FlowStatus status, Payload output, String error,
            Function<RunRecord, T> alongside) {
        return Transactions.writeOwned("finish", flowId, () -> {
            FlowRunEntity e = owned(flowId, owner);
            if (!e.status.isFinal()) {
                if (output != null) {
                    e.outputType = output.type();
                    e.outputJson = output.json();
                }
                e.error = truncate(error);
                apply(e, status, null, null, Instant.now());
                em.flush();
            }
            return alongside.apply(record(e));
        });
    }

    @Override
    public RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal) {
        return Transactions.write("claim", seen.flowId(), () -> {
            FlowRunEntity e = seen(seen);
            if (e.suspension != null && SuspensionEntity.OPEN.equals(e.suspension.state)) {
                e.suspension.state = SuspensionEntity.CLOSED;
                if (signal != null) {
                    e.suspension.signalJson = signal.payload(codec).json();
                    e.suspension.signalledAt = signal.completedAt();
                }
            }
            if (signal != null) {
                em.persist(entity(signal));
            }
            apply(e, FlowStatus.RUNNING, owner, leaseUntil, Instant.now());
            em.flush();
            return record(e);
        });
    }

    @Override
    public RunRecord end(RunRecord seen, FlowStatus status, String reason) {
        return Transactions.write("end", seen.flowId(), () -> {
            FlowRunEntity e = seen(seen);
            if (e.suspension != null && SuspensionEntity.OPEN.equals(e.suspension.state)) {
                e.suspension.state = SuspensionEntity.ENDED;
            }
            e.error = truncate(reason);
            apply(e, status, e.owner, e.leaseUntil, Instant.now());
            em.flush();
            return record(e);
        });
    }

    @Override
    public List<RunRecord> findRecoverable(String owner, Instant now, int limit) {
        return Transactions.read("find orphaned runs", null, () -> em.createQuery("select r from FlowRunEntity r where r.status = :running"
                        + " and (r.owner = :owner or r.leaseUntil is null or r.leaseUntil < :now) order by r.createdAt",
                        FlowRunEntity.class)
                .setParameter("running", FlowStatus.RUNNING)
                .setParameter("owner", owner)
                .setParameter("now", now)
                .setMaxResults(limit)
                .getResultList().stream().map(JpaFlowStore::record).toList());
    }

    @Override
    public List<RunRecord> findCancelled(String owner, Instant since) {
        return Transactions.read("find cancelled runs", null, () -> em.createQuery("select r from FlowRunEntity r where r.status = :cancelled"
                        + " and r.owner = :owner and r.updatedAt > :since", FlowRunEntity.class)
                .setParameter("cancelled", FlowStatus.CANCELLED)
                .setParameter("owner", owner)
                .setParameter("since", since)
                .getResultList().stream().map(JpaFlowStore::record).toList());
    }

    @Override
    public int renewLeases(String owner, Instant leaseUntil) {
        return Transactions.write("renew leases", null, () -> em.createQuery("update FlowRunEntity r set r.leaseUntil = :until,"
                        + " r.version = r.version + 1 where r.owner = :owner and r.status = :running")
                .setParameter("until", leaseUntil)
                .setParameter("owner", owner)
                .setParameter("running", FlowStatus.RUNNING)
                .executeUpdate());
    }

    // ---------------------------------------------------------------- helpers

    private FlowRunEntity owned(String flowId, String owner) {
        FlowRunEntity e = em.find(FlowRunEntity.class, flowId, LockModeType.OPTIMISTIC);
        if (e == null) {
            throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
        }
        if (!e.status.isFinal() && !owner.equals(e.owner)) {
            throw new FlowConflictException(Messages.lostLease(flowId, e.owner), flowId, null);
        }
        return e;
    }

    private FlowRunEntity seen(RunRecord seen) {
        FlowRunEntity e = em.find(FlowRunEntity.class, seen.flowId());
        if (e == null || e.version != seen.version()) {
            throw new FlowConflictException(Messages.runChanged(seen.flowId()), seen.flowId(), null);
        }
        return e;
    }

    private static void apply(FlowRunEntity e, FlowStatus status, String owner, Instant leaseUntil, Instant at) {
        e.status = status;
        e.owner = owner;
        e.leaseUntil = leaseUntil;
        e.updatedAt = at;
    }

    private StepCheckpointEntity entity(CheckpointRecord c) {
        Payload p = c.payload(codec);
        StepCheckpointEntity e = new StepCheckpointEntity();
        e.id = StepCheckpointEntity.key(c.flowId(), c.position());
        e.flowId = c.flowId();
        e.position = c.position();
        e.label = c.label();
        e.kind = c.kind();
        e.outputType = p.type();
        e.outputJson = p.json();
        e.attempts = c.attempts();
        e.fallback = c.fallback();
        e.completedAt = c.completedAt();
        return e;
    }

    static RunRecord record(FlowRunEntity e) {
        SuspensionEntity s = e.suspension;
        SuspensionRecord suspension = s == null ? null
                : new SuspensionRecord(s.position, s.name, s.payloadType, s.suspendedAt, s.expiresAt);
        return new RunRecord(e.id, e.flowName, e.action, e.status, e.parentId, e.sessionId, e.userId, e.projectId, e.events,
                new Payload(e.inputType, e.inputJson), e.outputType == null ? null : new Payload(e.outputType, e.outputJson),
                e.error, suspension, e.owner, e.leaseUntil, e.createdAt, e.updatedAt, e.version);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
