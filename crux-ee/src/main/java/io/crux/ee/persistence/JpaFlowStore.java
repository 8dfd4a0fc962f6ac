package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

import io.crux.ee.api.FlowStatus;
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
import io.crux.ee.spi.StepFailure;
import io.crux.ee.spi.StepTransaction;
import io.crux.ee.spi.SuspensionRecord;

/**
 * The {@link FlowStore} on JPA, persistence unit {@code crux}. Each writing method is one
 * transaction of its own (see {@link Transactions}). Leases are measured on the database's clock
 * ({@code CURRENT_TIMESTAMP}, read in the transaction that writes or compares a lease end), so
 * that the servers' clocks never decide who holds a run; the writes of the node that executes a
 * run lock the run's row and check its owner and status first (fencing).
 */
@ApplicationScoped
public class JpaFlowStore implements FlowStore {

    @PersistenceContext(unitName = "crux")
    EntityManager em;

    /**
     * The persistence unit's datasource (persistence.xml names the same), shareable: inside a
     * transaction its connection is the one the unit writes with ({@link UnitConnection}).
     */
    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    /**
     * The same datasource, unshareable: a connection of it taken outside a transaction is the
     * caller's alone and goes back to the pool when closed, where a shareable one would stay with
     * the thread until the container's local transaction containment ends (for a run, when its
     * task ends). The checkpoints, and the run rows' starts and ends, that commit without the
     * transaction manager use it ({@code alone()}), as the session store's autocommitted state
     * changes do.
     */
    @Resource(lookup = "java:comp/DefaultDataSource", shareable = false)
    DataSource ownConnections;

    /**
     * Where a node id's row is written when the caller has a transaction: in one of its own there,
     * since a caller's would keep the row locked until it ends (every other server's hold waits)
     * and could roll the hold back.
     */
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ExecutorService apart;

    private final PayloadCodec codec = new JsonbPayloadCodec();

    private final DatabaseKind database = new DatabaseKind();

    /**
     * On PostgreSQL, outside a transaction, the row is one autocommitted statement on a connection of
     * its own, as a checkpoint that nothing goes with is ({@link #saveCheckpointHolding(String,
     * CheckpointRecord)}).
     */
    @Override
    public void createRun(RunRecord run) {
        if (!alone()) {
            createRun(run, () -> null);
            return;
        }
        Duration lease = leaseFromNow(run);
        autocommitted("create", run.flowId(), c -> {
            PgRunRows.insert(c, run, lease);
            return null;
        });
    }

    @Override
    public <T> T createRun(RunRecord run, Supplier<T> alongside) {
        return Transactions.write("create", run.flowId(), () -> {
            if (postgreSql()) {
                Duration lease = leaseFromNow(run);
                UnitConnection.run(dataSource, c -> {
                    PgRunRows.insert(c, run, lease);
                    return null;
                });
                return alongside.get(); // flushed by the commit, as in saveCheckpointHolding
            }
            em.persist(FlowRunEntity.created(run, onDatabaseClock(run.leaseUntil())));
            T result = alongside.get();
            em.flush();
            return result;
        });
    }

    @Override
    public Optional<RunRecord> findRun(String flowId) {
        return Transactions.read(
                "read",
                flowId,
                () -> Optional.ofNullable(em.find(FlowRunEntity.class, flowId)).map(FlowRunEntity::toRecord));
    }

    @Override
    public List<RunRecord> listRuns(String flowName, FlowStatus status, int limit) {
        return Transactions.read("list runs", null, () -> query(flowName, status, limit));
    }

    private List<RunRecord> query(String flowName, FlowStatus status, int limit) {
        // parameters are only bound when used: PostgreSQL cannot type a bare "? is null"
        String where =
                (flowName == null ? "1 = 1" : "r.flowName = :name") + (status == null ? "" : " and r.status = :status");
        var q = em.createQuery(
                        "select r from FlowRunEntity r where " + where + " order by r.createdAt desc",
                        FlowRunEntity.class)
                .setMaxResults(limit);
        if (flowName != null) {
            q.setParameter("name", flowName);
        }
        if (status != null) {
            q.setParameter("status", status);
        }
        return q.getResultList().stream().map(FlowRunEntity::toRecord).toList();
    }

    @Override
    public Optional<Map<String, Long>> countRuns(FlowStatus status) {
        return Optional.of(Transactions.read("count runs", null, () -> {
            Map<String, Long> byFlow = new HashMap<>();
            for (Object[] row : em.createQuery(
                            "select r.flowName, count(r) from FlowRunEntity r where r.status = :status"
                                    + " group by r.flowName",
                            Object[].class)
                    .setParameter("status", status)
                    .getResultList()) {
                byFlow.put((String) row[0], ((Number) row[1]).longValue());
            }
            return byFlow;
        }));
    }

    @Override
    public List<RunRecord> findOpenChildren(String parentFlowId) {
        return Transactions.read(
                "find child runs",
                parentFlowId,
                () -> em
                        .createQuery(
                                "select r from FlowRunEntity r"
                                        + " where r.parentId = :parent and r.status in :open order by r.createdAt",
                                FlowRunEntity.class)
                        .setParameter("parent", parentFlowId)
                        .setParameter("open", List.of(FlowStatus.RUNNING, FlowStatus.SUSPENDED))
                        .getResultList()
                        .stream()
                        .map(FlowRunEntity::toRecord)
                        .toList());
    }

    @Override
    public List<RunRecord> findRuns(RunQuery query) {
        return Transactions.read("list runs", null, () -> UnitConnection.run(dataSource, c -> RunRows.find(c, query)));
    }

    @Override
    public void recordFailure(String flowId, StepFailure failure) {
        // a column the entity does not map: no provider writes it back with the run's row
        String json = AttemptLog.write(failure);
        Transactions.write(
                "keep the failure",
                flowId,
                () -> UnitConnection.run(dataSource, c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE CRUX_FLOW_RUN SET FAILURE_LOG = ? WHERE ID = ?")) {
                        ps.setString(1, json);
                        ps.setString(2, flowId);
                        return ps.executeUpdate();
                    }
                }));
    }

    @Override
    public Optional<StepFailure> findFailure(String flowId) {
        return Transactions.read(
                "read the failure",
                flowId,
                () -> UnitConnection.run(dataSource, c -> {
                    try (PreparedStatement ps =
                            c.prepareStatement("SELECT FAILURE_LOG FROM CRUX_FLOW_RUN WHERE ID = ?")) {
                        ps.setString(1, flowId);
                        try (ResultSet rs = ps.executeQuery()) {
                            return Optional.ofNullable(rs.next() ? AttemptLog.readFailure(rs.getString(1)) : null);
                        }
                    }
                }));
    }

    @Override
    public Map<FlowStatus, Long> countByStatus(RunQuery query) {
        return Transactions.read(
                "count runs", null, () -> UnitConnection.run(dataSource, c -> RunRows.countByStatus(c, query)));
    }

    @Override
    public List<RunRecord> findUpdatedSince(Set<String> flowNames, Instant since, int limit) {
        RunQuery names = new RunQuery(flowNames, null, null, 0, 1);
        return Transactions.read(
                "list changed runs",
                null,
                () -> UnitConnection.run(dataSource, c -> RunRows.updatedSince(c, names, since, limit)));
    }

    @Override
    public List<RunRecord> findChildren(String parentFlowId) {
        return Transactions.read(
                "find child runs",
                parentFlowId,
                () -> UnitConnection.run(dataSource, c -> RunRows.children(c, parentFlowId)));
    }

    @Override
    public List<CheckpointRecord> loadCheckpoints(String flowId) {
        return Transactions.read(
                "load checkpoints",
                flowId,
                () -> em
                        .createQuery(
                                "select c from StepCheckpointEntity c where c.flowId = :id order by c.position",
                                StepCheckpointEntity.class)
                        .setParameter("id", flowId)
                        .getResultList()
                        .stream()
                        .map(StepCheckpointEntity::toRecord)
                        .toList());
    }

    @Override
    public void saveCheckpoint(CheckpointRecord checkpoint) {
        Transactions.write("save a checkpoint", checkpoint.flowId(), () -> {
            em.persist(StepCheckpointEntity.from(checkpoint, codec));
            em.flush();
            return null;
        });
    }

    @Override
    public <T> T saveCheckpoint(CheckpointRecord checkpoint, Supplier<T> alongside) {
        return Transactions.write("save a checkpoint", checkpoint.flowId(), () -> {
            em.persist(StepCheckpointEntity.from(checkpoint, codec));
            T result = alongside.get();
            em.flush();
            return result;
        });
    }

    @Override
    public <T> T whileHolding(String flowId, String owner, Supplier<T> work) {
        return Transactions.write("check the lease", flowId, () -> {
            checkHeld(flowId, owner);
            return work.get();
        });
    }

    @Override
    public <T> T saveCheckpointHolding(String owner, CheckpointRecord checkpoint, Supplier<T> alongside) {
        String flowId = checkpoint.flowId();
        return Transactions.write("save a checkpoint", flowId, () -> {
            if (postgreSql()) {
                // one round trip fewer: the lock and the check ride on the checkpoint's insert
                if (insertHeld(owner, StepCheckpointEntity.from(checkpoint, codec)) == 0) {
                    checkHeld(flowId, owner); // says why: another holder, or cancelled
                    throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
                }
                // no em.flush(): nothing here went through the entity manager (the events that go
                // along are JDBC too), and a flush would make the container open a persistence
                // context for the transaction only to find nothing to write. Whatever the work
                // along may still have left in it is flushed by the commit.
                return alongside.get();
            } else {
                checkHeld(flowId, owner);
                em.persist(StepCheckpointEntity.from(checkpoint, codec));
            }
            T result = alongside.get();
            em.flush();
            return result;
        });
    }

    /**
     * On PostgreSQL, when the calling thread has no transaction, the fenced insert is one
     * autocommitted statement on a connection of its own, without the transaction manager: nothing
     * else is written with it, so nothing needs to join it, and a step saves a JTA transaction's
     * begin, enlistment and commit, and a round trip. The fencing is the same: the statement's row
     * lock holds until its commit. After a refused insert the reason is read by a statement of its
     * own, so a change committed in between (rare: the cancel of a run that lost its lease) is what it
     * names. Elsewhere, or inside a caller's transaction (a transactional step's), the checkpoint goes
     * the way of the others.
     */
    @Override
    public void saveCheckpointHolding(String owner, CheckpointRecord checkpoint) {
        if (!alone()) {
            saveCheckpointHolding(owner, checkpoint, () -> null);
            return;
        }
        String flowId = checkpoint.flowId();
        StepCheckpointEntity e = StepCheckpointEntity.from(checkpoint, codec);
        autocommitted("save a checkpoint", flowId, c -> {
            if (RunFence.insertCheckpoint(c, owner, e) == 0) {
                RunFence.check(c, flowId, owner); // says why: another holder, or cancelled
                throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
            }
            return null;
        });
    }

    /**
     * @return whether a write that nothing goes with may be one autocommitted statement: on
     *     PostgreSQL, when the calling thread has no transaction for it to join
     */
    private boolean alone() {
        return ownConnections != null && !Transactions.active() && postgreSqlOutsideTransaction();
    }

    /** Runs {@code work} in autocommit mode on a connection of its own, without the transaction manager. */
    private <T> T autocommitted(String operation, String flowId, UnitConnection.Work<T> work) {
        return Transactions.autocommit(operation, flowId, () -> {
            try (Connection c = ownConnections.getConnection()) {
                c.setAutoCommit(true);
                return work.run(c);
            }
        });
    }

    /** @return the run's lease as a length from now, for the database to add to its own clock; null for none */
    private static Duration leaseFromNow(RunRecord run) {
        return run.leaseUntil() == null ? null : Duration.between(Instant.now(), run.leaseUntil());
    }

    /** {@link RunFence#insertCheckpoint} on the transaction's connection. */
    private int insertHeld(String owner, StepCheckpointEntity e) {
        return UnitConnection.run(dataSource, c -> RunFence.insertCheckpoint(c, owner, e));
    }

    /** {@link RunFence#check} on the transaction's connection. */
    private void checkHeld(String flowId, String owner) {
        UnitConnection.run(dataSource, c -> {
            RunFence.check(c, flowId, owner);
            return null;
        });
    }

    /** Whether the database is PostgreSQL; asked inside a transaction, where the connection is at hand. */
    private boolean postgreSql() {
        return database.isPostgreSql(() -> UnitConnection.run(dataSource, DatabaseKind::isPostgreSql));
    }

    /** {@link #postgreSql()} for a caller outside a transaction: the first asking begins one. */
    private boolean postgreSqlOutsideTransaction() {
        return database.isPostgreSql(() -> Transactions.read("read the database's kind", null, this::postgreSql));
    }

    @Override
    public RunRecord suspend(String flowId, String owner, SuspensionRecord suspension) {
        return suspend(flowId, owner, suspension, run -> run);
    }

    @Override
    public <T> T suspend(String flowId, String owner, SuspensionRecord suspension, Function<RunRecord, T> alongside) {
        return Transactions.writeOwned("suspend", flowId, () -> {
            FlowRunEntity e = owned(flowId, owner);
            if (e.status.isFinal()) {
                // cancelled while this owner held it: it acknowledges the cancel, and holds it no longer
                e.moveTo(e.status, null, null, e.updatedAt);
                em.flush();
                return alongside.apply(e.toRecord());
            }
            SuspensionEntity s = SuspensionEntity.opened(flowId, suspension);
            em.persist(s);
            e.suspension = s;
            e.moveTo(FlowStatus.SUSPENDED, null, null, suspension.suspendedAt());
            em.flush();
            return alongside.apply(e.toRecord());
        });
    }

    /**
     * On PostgreSQL, outside a transaction, the end of a run that never suspended is one autocommitted
     * statement on a connection of its own, as a checkpoint that nothing goes with is. Any other end
     * goes the way of the others, in a transaction: a run that suspended before reads its suspension
     * with its end, and a run that is not held (or was cancelled) is told why by the entity's way
     * (or has its cancel acknowledged).
     */
    @Override
    public RunRecord finish(String flowId, String owner, FlowStatus status, Payload output, String error) {
        if (alone()) {
            RunRecord ended = autocommitted(
                    "finish",
                    flowId,
                    c -> PgRunRows.finishNeverSuspended(
                            c, flowId, owner, status, output, truncate(error), Instant.now()));
            if (ended != null) {
                return ended;
            }
        }
        return finish(flowId, owner, status, output, error, run -> run);
    }

    @Override
    public <T> T finish(
            String flowId,
            String owner,
            FlowStatus status,
            Payload output,
            String error,
            Function<RunRecord, T> alongside) {
        return Transactions.writeOwned("finish", flowId, () -> {
            if (postgreSql()) {
                RunRecord ended = UnitConnection.run(
                        dataSource,
                        c -> PgRunRows.finish(c, flowId, owner, status, output, truncate(error), Instant.now(), id -> {
                            SuspensionEntity suspension = em.find(SuspensionEntity.class, id);
                            return suspension == null ? null : suspension.toRecord();
                        }));
                if (ended != null) {
                    return alongside.apply(ended);
                }
                // not running, or not held by this owner: the entity's way says which, and acknowledges a cancel
            }
            FlowRunEntity e = owned(flowId, owner);
            if (!e.status.isFinal()) {
                if (output != null) {
                    e.outputType = output.type();
                    e.outputJson = output.json();
                }
                e.error = truncate(error);
                e.moveTo(status, null, null, Instant.now());
            } else {
                // cancelled while this owner held it: it acknowledges the cancel, and holds it no longer
                e.moveTo(e.status, null, null, e.updatedAt);
            }
            em.flush();
            return alongside.apply(e.toRecord());
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
                em.persist(StepCheckpointEntity.from(signal, codec));
            }
            e.moveTo(FlowStatus.RUNNING, owner, onDatabaseClock(leaseUntil), Instant.now());
            em.flush();
            return e.toRecord();
        });
    }

    @Override
    public RunRecord end(RunRecord seen, FlowStatus status, String reason) {
        return end(seen, status, reason, run -> run);
    }

    @Override
    public <T> T end(RunRecord seen, FlowStatus status, String reason, Function<RunRecord, T> alongside) {
        return Transactions.write("end", seen.flowId(), () -> {
            FlowRunEntity e = seen(seen);
            if (e.suspension != null && SuspensionEntity.OPEN.equals(e.suspension.state)) {
                e.suspension.state = SuspensionEntity.ENDED;
            }
            e.error = truncate(reason);
            // a live owner keeps the run until it acknowledges the end; nobody else holds it
            boolean held = e.status == FlowStatus.RUNNING
                    && e.owner != null
                    && e.leaseUntil != null
                    && e.leaseUntil.isAfter(databaseNow());
            e.moveTo(status, held ? e.owner : null, held ? e.leaseUntil : null, Instant.now());
            em.flush();
            return alongside.apply(e.toRecord());
        });
    }

    @Override
    public List<RunRecord> findRecoverable(String owner, Instant now, int limit) {
        return Transactions.read(
                "find orphaned runs",
                null,
                () -> em
                        .createQuery(
                                "select r from FlowRunEntity r where"
                                        + " (r.status = :running or r.status = :cancelled and r.owner is not null)"
                                        + " and (r.owner = :owner or r.leaseUntil is null or r.leaseUntil < :now) order by r.createdAt",
                                FlowRunEntity.class)
                        .setParameter("running", FlowStatus.RUNNING)
                        .setParameter("cancelled", FlowStatus.CANCELLED)
                        .setParameter("owner", owner)
                        .setParameter("now", databaseNow())
                        .setMaxResults(limit)
                        .getResultList()
                        .stream()
                        .map(FlowRunEntity::toRecord)
                        .toList());
    }

    @Override
    public List<RunRecord> findCancelled(String owner, Instant since) {
        return Transactions.read(
                "find cancelled runs",
                null,
                () -> em
                        .createQuery(
                                "select r from FlowRunEntity r where r.status = :cancelled"
                                        + " and r.owner = :owner and r.updatedAt > :since",
                                FlowRunEntity.class)
                        .setParameter("cancelled", FlowStatus.CANCELLED)
                        .setParameter("owner", owner)
                        .setParameter("since", since)
                        .getResultList()
                        .stream()
                        .map(FlowRunEntity::toRecord)
                        .toList());
    }

    @Override
    public int renewLeases(String owner, Instant leaseUntil) {
        return Transactions.write("renew leases", null, () -> renew(owner, leaseUntil));
    }

    @Override
    public Set<String> renewHeldLeases(String owner, Instant leaseUntil) {
        return Transactions.write("renew leases", null, () -> {
            renew(owner, leaseUntil);
            return new HashSet<>(em.createQuery(
                            "select r.id from FlowRunEntity r where r.owner = :owner and r.status = :running",
                            String.class)
                    .setParameter("owner", owner)
                    .setParameter("running", FlowStatus.RUNNING)
                    .getResultList());
        });
    }

    @Override
    public NodeRecord holdNode(NodeRecord me, Duration staleAfter) {
        return ownTransaction("hold node id " + me.nodeId(), c -> NodeRows.hold(c, me, staleAfter));
    }

    @Override
    public boolean takeNode(NodeRecord me, NodeRecord from) {
        return ownTransaction("take node id " + me.nodeId(), c -> NodeRows.take(c, me, from));
    }

    @Override
    public void releaseNode(String nodeId, String incarnation) {
        ownTransaction("release node id " + nodeId, c -> {
            NodeRows.release(c, nodeId, incarnation);
            return null;
        });
    }

    /** Runs JDBC work in a transaction of its own, never the caller's ({@link Transactions#writeApart}). */
    private <T> T ownTransaction(String operation, UnitConnection.Work<T> work) {
        return Transactions.writeApart(apart, operation, () -> UnitConnection.run(dataSource, work));
    }

    private int renew(String owner, Instant leaseUntil) {
        return em.createQuery("update FlowRunEntity r set r.leaseUntil = :until,"
                        + " r.version = r.version + 1 where r.owner = :owner and r.status = :running")
                .setParameter("until", onDatabaseClock(leaseUntil))
                .setParameter("owner", owner)
                .setParameter("running", FlowStatus.RUNNING)
                .executeUpdate();
    }

    @Override
    public void afterCommit(Runnable action) {
        Transactions.afterCommit(action);
    }

    @Override
    public StepTransaction beginStep(Duration timeout) {
        return Transactions.beginStep(timeout);
    }

    // ---------------------------------------------------------------- helpers

    /** The run, if {@code owner} holds it: running, or cancelled by another caller while it held it. */
    private FlowRunEntity owned(String flowId, String owner) {
        FlowRunEntity e = em.find(FlowRunEntity.class, flowId, LockModeType.OPTIMISTIC);
        if (e == null) {
            throw new FlowConflictException(Messages.runChanged(flowId), flowId, null);
        }
        if (!owner.equals(e.owner)) {
            throw new LeaseLostException(Messages.lostLease(flowId, e.owner), flowId, e.owner);
        }
        return e;
    }

    /** @return the database's current time, read in the current transaction */
    private Instant databaseNow() {
        return UnitConnection.run(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant();
            }
        });
    }

    /** A lease end asked for on the engine's clock, as a lease of the same length on the database's clock. */
    private Instant onDatabaseClock(Instant leaseUntil) {
        return leaseUntil == null ? null : databaseNow().plus(Duration.between(Instant.now(), leaseUntil));
    }

    private FlowRunEntity seen(RunRecord seen) {
        FlowRunEntity e = em.find(FlowRunEntity.class, seen.flowId());
        if (e == null || e.version != seen.version()) {
            throw new FlowConflictException(Messages.runChanged(seen.flowId()), seen.flowId(), null);
        }
        return e;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 4000 ? s : s.substring(0, 3997) + "...";
    }
}
