package io.crux.ee.persistence;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityExistsException;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.engine.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * The {@link FlowStore} on JPA, persistence unit {@code crux}. Each writing method is one JTA
 * transaction of its own, begun and committed here (a caller's transaction is joined instead), so
 * that failures at commit are translated too: version conflicts and taken keys become
 * {@link FlowConflictException}, other failures {@link CruxPersistenceException}.
 */
@ApplicationScoped
public class JpaFlowStore implements FlowStore {

    @PersistenceContext(unitName = "crux")
    EntityManager em;

    private static final int OWNER_WRITE_ATTEMPTS = 3;

    private final PayloadCodec codec = new JsonbPayloadCodec();

    @Override
    public void createRun(RunRecord run) {
        write("create", run.flowId(), () -> {
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
            em.flush();
            return null;
        });
    }

    @Override
    public Optional<RunRecord> findRun(String flowId) {
        return read("read", flowId, () -> Optional.ofNullable(em.find(FlowRunEntity.class, flowId)).map(JpaFlowStore::record));
    }

    @Override
    public List<RunRecord> listRuns(String flowName, FlowStatus status, int limit) {
        return read("list runs", null, () -> query(flowName, status, limit));
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
    public List<CheckpointRecord> loadCheckpoints(String flowId) {
        return read("load checkpoints", flowId, () -> em.createQuery(
                        "select c from StepCheckpointEntity c where c.flowId = :id order by c.position", StepCheckpointEntity.class)
                .setParameter("id", flowId)
                .getResultList().stream()
                .map(c -> new CheckpointRecord(c.flowId, c.position, c.label, c.kind, null,
                        new Payload(c.outputType, c.outputJson), c.attempts, c.fallback, c.completedAt))
                .toList());
    }

    @Override
    public void saveCheckpoint(CheckpointRecord checkpoint) {
        write("save a checkpoint", checkpoint.flowId(), () -> {
            em.persist(entity(checkpoint));
            em.flush();
            return null;
        });
    }

    @Override
    public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
        return writeOwned("suspend", flowId, () -> {
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
        return writeOwned("finish", flowId, () -> {
            FlowRunEntity e = owned(flowId, owner);
            if (e.status.isFinal()) {
                return record(e);
            }
            if (output != null) {
                e.outputType = output.type();
                e.outputJson = output.json();
            }
            e.error = truncate(error);
            apply(e, status, null, null, Instant.now());
            em.flush();
            return record(e);
        });
    }

    @Override
    public RunRecord claim(RunRecord seen, String owner, Instant leaseUntil, CheckpointRecord signal) {
        return write("claim", seen.flowId(), () -> {
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
        return write("end", seen.flowId(), () -> {
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
        return read("find orphaned runs", null, () -> em.createQuery("select r from FlowRunEntity r where r.status = :running"
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
        return read("find cancelled runs", null, () -> em.createQuery("select r from FlowRunEntity r where r.status = :cancelled"
                        + " and r.owner = :owner and r.updatedAt > :since", FlowRunEntity.class)
                .setParameter("cancelled", FlowStatus.CANCELLED)
                .setParameter("owner", owner)
                .setParameter("since", since)
                .getResultList().stream().map(JpaFlowStore::record).toList());
    }

    @Override
    public int renewLeases(String owner, Instant leaseUntil) {
        return write("renew leases", null, () -> em.createQuery("update FlowRunEntity r set r.leaseUntil = :until,"
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

    private static <T> T read(String operation, String flowId, Supplier<T> work) {
        try {
            return work.get();
        } catch (PersistenceException e) {
            throw translate(operation, flowId, e);
        }
    }

    private <T> T write(String operation, String flowId, Supplier<T> work) {
        UserTransaction tx = userTransaction();
        boolean own;
        try {
            own = tx.getStatus() == Status.STATUS_NO_TRANSACTION;
            if (own) {
                tx.begin();
            }
        } catch (Exception e) {
            throw new CruxPersistenceException(Messages.persistenceFailed(operation, flowId, e), flowId, e);
        }
        if (!own) {
            return read(operation, flowId, work);
        }
        try {
            T result = work.get();
            tx.commit();
            return result;
        } catch (RuntimeException e) {
            rollback(tx);
            throw e instanceof CruxException c ? c : translate(operation, flowId, e);
        } catch (RollbackException e) {
            throw translate(operation, flowId, e);
        } catch (Exception e) {
            rollback(tx);
            throw translate(operation, flowId, e);
        }
    }

    /**
     * The executing node's writes re-read the run, so a version bump in between (a lease renewal,
     * a cancel) is not a reason to give up: try again, and let the fresh read decide.
     */
    private <T> T writeOwned(String operation, String flowId, Supplier<T> work) {
        for (int attempt = 1;; attempt++) {
            try {
                return write(operation, flowId, work);
            } catch (FlowConflictException e) {
                if (attempt == OWNER_WRITE_ATTEMPTS || e.getCause() == null) {
                    throw e; // no cause: the lease is held by another node
                }
            }
        }
    }

    private static void rollback(UserTransaction tx) {
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception ignored) {
            // the original failure is what matters
        }
    }

    private static UserTransaction userTransaction() {
        try {
            return (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
        } catch (NamingException e) {
            throw new CruxPersistenceException(Messages.persistenceFailed("find java:comp/UserTransaction", null, e), null, e);
        }
    }

    private static CruxException translate(String operation, String flowId, Throwable e) {
        if (isConflict(e) || isUniqueViolation(e)) {
            String message = "create".equals(operation) ? Messages.runIdTaken(flowId) : Messages.runChanged(flowId);
            return new FlowConflictException(message, flowId, e);
        }
        return new CruxPersistenceException(Messages.persistenceFailed(operation, flowId, e), flowId, e);
    }

    private static boolean isConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof EntityExistsException) {
                return true;
            }
        }
        return false;
    }

    /** SQLState class 23 is an integrity constraint violation on every database we support. */
    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }
}
