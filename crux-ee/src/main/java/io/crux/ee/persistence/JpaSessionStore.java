package io.crux.ee.persistence;

import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.ResourceConflictException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.ResourceRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StateChange;

/**
 * The {@link SessionStore} on JPA. On PostgreSQL the named state changes ({@code set},
 * {@code patch}, {@code inc}, {@code push}, {@code remove}) are each one atomic
 * {@code INSERT ... ON CONFLICT DO UPDATE} on the JSON document that also increments its version
 * ({@link PgState}), so a hot key costs what a plain atomic {@code UPDATE} costs. Every other
 * update, and every update on H2, takes the document's row lock ({@code SELECT ... FOR UPDATE})
 * for one short transaction and rewrites the document: writers queue instead of failing version
 * checks, so no update is lost on either path, and the two paths serialize on the same row.
 * Outside a caller's transaction, increments of one key that threads of this server make at the
 * same time are combined into one write ({@link IncrementCombiner}): each caller still gets its
 * own value.
 */
@ApplicationScoped
public class JpaSessionStore implements SessionStore {

    /** Only the first write of a document can race (two inserts); later ones queue on the row lock. */
    private static final int FIRST_INSERT_ATTEMPTS = 5;

    @PersistenceContext(unitName = "crux")
    EntityManager em;

    private final PayloadCodec codec = new JsonbPayloadCodec();

    private final PgState pg = new PgState(codec);

    /**
     * The persistence unit's datasource (persistence.xml names the same), unshareable, so that a
     * connection used outside a transaction goes back to the pool when it is closed.
     */
    @Resource(lookup = "java:comp/DefaultDataSource", shareable = false)
    DataSource dataSource;

    /**
     * The same datasource, shareable: inside a transaction its connection is the one the unit
     * writes with ({@link UnitConnection}).
     */
    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource shared;

    private final IncrementCombiner increments = new IncrementCombiner();

    private final DatabaseKind database = new DatabaseKind();

    @Override
    public void createSession(SessionRecord session) {
        Transactions.write("create", session.id(), () -> {
            em.persist(SessionEntity.from(session));
            em.flush();
            return null;
        });
    }

    @Override
    public Optional<SessionRecord> findSession(String id) {
        return Transactions.read(
                "read a session",
                null,
                () -> Optional.ofNullable(em.find(SessionEntity.class, id)).map(SessionEntity::toRecord));
    }

    @Override
    public List<SessionRecord> listSessions(String kind, String userId, int limit) {
        return Transactions.read("list sessions", null, () -> {
            var q = em.createQuery(
                            "select s from SessionEntity s where s.kind = :kind and "
                                    + (userId == null ? "s.userId is null" : "s.userId = :user")
                                    + " order by s.createdAt desc",
                            SessionEntity.class)
                    .setParameter("kind", kind)
                    .setMaxResults(limit);
            if (userId != null) {
                q.setParameter("user", userId);
            }
            return q.getResultList().stream().map(SessionEntity::toRecord).toList();
        });
    }

    @Override
    public boolean deleteSession(String id) {
        return Transactions.write("delete a session", null, () -> {
            SessionEntity e = em.find(SessionEntity.class, id);
            if (e == null) {
                return false;
            }
            em.createQuery("delete from ItemEntity i where i.sessionId = :id")
                    .setParameter("id", id)
                    .executeUpdate();
            em.createQuery("delete from StateEntity s where s.id = :id")
                    .setParameter("id", StateEntity.key("session", id))
                    .executeUpdate();
            em.createQuery("delete from ResourceEntity r where r.scope = 'session' and r.owner = :id")
                    .setParameter("id", id)
                    .executeUpdate();
            em.remove(e);
            em.flush();
            return true;
        });
    }

    @Override
    public Map<String, Object> readState(String scope, String key) {
        return Transactions.read("read state", null, () -> {
            StateEntity e = em.find(StateEntity.class, StateEntity.key(scope, key));
            return e == null ? new HashMap<>() : parse(e.doc);
        });
    }

    @Override
    public <T> T updateState(String scope, String key, Function<Map<String, Object>, T> change) {
        String id = StateEntity.key(scope, key);
        for (int attempt = 1; ; attempt++) {
            try {
                return Transactions.write("update state", null, () -> {
                    StateEntity e = em.find(StateEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
                    Map<String, Object> doc = e == null ? new HashMap<>() : parse(e.doc);
                    T result = change.apply(doc);
                    if (e == null) {
                        em.persist(StateEntity.of(scope, key, codec.encode(doc).json()));
                    } else {
                        e.write(codec.encode(doc).json());
                    }
                    em.flush();
                    return result;
                });
            } catch (FlowConflictException e) {
                if (attempt == FIRST_INSERT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    @Override
    public <T> T changeState(String scope, String key, StateChange<T> change) {
        boolean joined = Transactions.active();
        if (change instanceof StateChange.Increment inc && !joined) {
            // increments of one key made at the same time on this server become one write
            String id = StateEntity.key(scope, key);
            return cast(increments.add(
                    id + "\n" + inc.key(),
                    inc.delta(),
                    sum -> change(scope, key, new StateChange.Increment(inc.key(), sum), false)));
        }
        return change(scope, key, change, joined);
    }

    /** @param joined whether the calling thread has a transaction, which the change joins */
    private <T> T change(String scope, String key, StateChange<T> change, boolean joined) {
        if (!isPostgreSql()) {
            return SessionStore.super.changeState(scope, key, change);
        }
        String id = StateEntity.key(scope, key);
        if (joined) { // join the caller's transaction on the persistence unit's connection
            return Transactions.write("update state", null, () -> {
                em.flush(); // the statement must see a document the caller's transaction wrote through JPA
                T result = jdbc(c -> pg.change(c, scope, key, id, change));
                return result != null || change instanceof StateChange.Patch ? result : wrongType(change, scope, id);
            });
        }
        // one autocommitted statement: no JTA transaction, one round trip; an increment (which a
        // combined write makes for several callers) commits on its own, so that its outcome is known
        T result = Transactions.autocommit("update state", () -> {
            try (Connection c = dataSource.getConnection()) {
                if (change instanceof StateChange.Increment inc) {
                    return cast(pg.incrementVerified(dataSource, c, scope, key, id, inc));
                }
                c.setAutoCommit(true);
                return pg.change(c, scope, key, id, change);
            }
        });
        if (result == null && !(change instanceof StateChange.Patch)) {
            return Transactions.read("update state", null, () -> wrongType(change, scope, id));
        }
        return result;
    }

    /** The statement changed no row: the value at the key has the wrong type. Throws the store's usual exception. */
    private <T> T wrongType(StateChange<T> change, String scope, String id) {
        StateEntity e = em.find(StateEntity.class, id);
        return change.applyTo(scope, e == null ? new HashMap<>() : parse(e.doc));
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private boolean isPostgreSql() {
        return database.isPostgreSql(
                () -> Transactions.read("find the database", null, () -> jdbc(DatabaseKind::isPostgreSql)));
    }

    @Override
    public Optional<ResourceRecord> readResource(String scope, String owner, String name, String key) {
        return Transactions.read(
                "read a resource",
                null,
                () -> Optional.ofNullable(
                                em.find(ResourceEntity.class, new ResourceEntity.Key(scope, owner, name, key)))
                        .map(ResourceEntity::toRecord));
    }

    @Override
    public ResourceRecord putResource(
            String scope, String owner, String name, String key, String json, Long expectedVersion) {
        ResourceEntity.Key id = new ResourceEntity.Key(scope, owner, name, key);
        for (int attempt = 1; ; attempt++) {
            try {
                return Transactions.write("write a resource", null, () -> {
                    // writers of one entry queue on its row lock, so a conditional write sees the
                    // version the write before it left; the row's @Version guards the rest
                    ResourceEntity e = em.find(ResourceEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
                    long actual = e == null ? -1 : e.version;
                    if (expectedVersion != null && expectedVersion != actual) {
                        throw conflict(scope, owner, name, key, expectedVersion, actual);
                    }
                    if (e == null) {
                        e = ResourceEntity.of(scope, owner, name, key, json);
                        em.persist(e);
                    } else {
                        e.write(json);
                    }
                    em.flush();
                    return e.toRecord();
                });
            } catch (ResourceConflictException e) {
                throw e;
            } catch (FlowConflictException e) {
                // two first writes of one entry raced and one insert lost: a create lost for good,
                // any other write queues on the row the winner inserted
                if (expectedVersion != null && expectedVersion < 0) {
                    long actual = readResource(scope, owner, name, key)
                            .map(ResourceRecord::version)
                            .orElse(-1L);
                    throw conflict(scope, owner, name, key, expectedVersion, actual);
                }
                if (attempt == FIRST_INSERT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private static ResourceConflictException conflict(
            String scope, String owner, String name, String key, long expected, long actual) {
        return new ResourceConflictException(
                Messages.resourceConflict(scope, owner, name, key, expected, actual), name, key, expected, actual);
    }

    @Override
    public List<ResourceRecord> listResources(String scope, String owner, String name, String afterKey, int limit) {
        return Transactions.read("list a resource", null, () -> {
            var q = em.createQuery(
                            "select r from ResourceEntity r where r.scope = :scope and r.owner = :owner"
                                    + " and r.name = :name" + (afterKey == null ? "" : " and r.entryKey > :after")
                                    + " order by r.entryKey",
                            ResourceEntity.class)
                    .setParameter("scope", scope)
                    .setParameter("owner", owner)
                    .setParameter("name", name)
                    .setMaxResults(limit);
            if (afterKey != null) {
                q.setParameter("after", afterKey);
            }
            return q.getResultList().stream().map(ResourceEntity::toRecord).toList();
        });
    }

    @Override
    public boolean deleteResource(String scope, String owner, String name, String key) {
        return Transactions.write(
                "delete a resource",
                null,
                () -> em.createQuery("delete from ResourceEntity r where r.scope = :scope and r.owner = :owner"
                                        + " and r.name = :name and r.entryKey = :entry")
                                .setParameter("scope", scope)
                                .setParameter("owner", owner)
                                .setParameter("name", name)
                                .setParameter("entry", key)
                                .executeUpdate()
                        > 0);
    }

    @Override
    public void append(List<ItemRecord> items, List<EventRecord> events) {
        if (items.isEmpty() && events.isEmpty()) {
            return;
        }
        String requestId =
                !events.isEmpty() ? events.get(0).requestId() : items.get(0).requestId();
        Transactions.write(
                "store items and events",
                requestId,
                () -> jdbc(c -> {
                    SessionRows.insertItems(c, items, codec);
                    SessionRows.insertEvents(c, events);
                    return null;
                }));
    }

    @Override
    public List<ItemRecord> listItems(String sessionId, int limit) {
        return Transactions.read(
                "list items", null, () -> jdbc(c -> SessionRows.listItems(c, sessionId, limit, codec)));
    }

    @Override
    public List<EventRecord> readEvents(String requestId, long afterSeq, int limit) {
        return Transactions.read(
                "read events", requestId, () -> jdbc(c -> SessionRows.readEvents(c, requestId, afterSeq, limit)));
    }

    /** Runs JDBC work on the persistence unit's connection of the current transaction. */
    private <T> T jdbc(UnitConnection.Work<T> work) {
        return UnitConnection.run(shared, work);
    }

    @Override
    public long lastSeq(String requestId) {
        return Transactions.read("read events", requestId, () -> {
            Long max = em.createQuery("select max(e.seq) from EventEntity e where e.requestId = :id", Long.class)
                    .setParameter("id", requestId)
                    .getSingleResult();
            return max == null ? 0L : max;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String json) {
        return new HashMap<>((Map<String, Object>) codec.convert(json, Map.class));
    }
}
