package io.crux.ee.persistence;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;

import io.crux.ee.api.Item;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;

/**
 * The {@link SessionStore} on JPA. State updates take the document's row lock
 * ({@code SELECT ... FOR UPDATE}) for the length of one short transaction: on a hot key, writers
 * queue instead of failing version checks and retrying, so every update is kept and throughput
 * stays close to that of a plain atomic {@code UPDATE}.
 */
@ApplicationScoped
public class JpaSessionStore implements SessionStore {

    /** Only the first write of a document can race (two inserts); later ones queue on the row lock. */
    private static final int FIRST_INSERT_ATTEMPTS = 5;

    @PersistenceContext(unitName = "crux")
    EntityManager em;

    private final PayloadCodec codec = new JsonbPayloadCodec();

    @Override
    public void createSession(SessionRecord session) {
        Transactions.write("create", session.id(), () -> {
            SessionEntity e = new SessionEntity();
            e.id = session.id();
            e.kind = session.kind();
            e.userId = session.userId();
            e.createdAt = session.createdAt();
            e.updatedAt = session.updatedAt() == null ? session.createdAt() : session.updatedAt();
            em.persist(e);
            em.flush();
            return null;
        });
    }

    @Override
    public Optional<SessionRecord> findSession(String id) {
        return Transactions.read("read a session", null, () -> Optional.ofNullable(em.find(SessionEntity.class, id))
                .map(JpaSessionStore::record));
    }

    @Override
    public List<SessionRecord> listSessions(String kind, String userId, int limit) {
        return Transactions.read("list sessions", null, () -> {
            var q = em.createQuery("select s from SessionEntity s where s.kind = :kind and "
                    + (userId == null ? "s.userId is null" : "s.userId = :user") + " order by s.createdAt desc", SessionEntity.class)
                    .setParameter("kind", kind)
                    .setMaxResults(limit);
            if (userId != null) {
                q.setParameter("user", userId);
            }
            return q.getResultList().stream().map(JpaSessionStore::record).toList();
        });
    }

    @Override
    public boolean deleteSession(String id) {
        return Transactions.write("delete a session", null, () -> {
            SessionEntity e = em.find(SessionEntity.class, id);
            if (e == null) {
                return false;
            }
            em.createQuery("delete from ItemEntity i where i.sessionId = :id").setParameter("id", id).executeUpdate();
            em.createQuery("delete from StateEntity s where s.id = :id").setParameter("id", StateEntity.key("session", id))
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
        for (int attempt = 1;; attempt++) {
            try {
                return Transactions.write("update state", null, () -> {
                    StateEntity e = em.find(StateEntity.class, id, LockModeType.PESSIMISTIC_WRITE);
                    Map<String, Object> doc = e == null ? new HashMap<>() : parse(e.doc);
                    T result = change.apply(doc);
                    if (e == null) {
                        e = new StateEntity();
                        e.id = id;
                        e.scope = scope;
                        e.scopeKey = key;
                        e.doc = codec.encode(doc).json();
                        e.updatedAt = Instant.now();
                        em.persist(e);
                    } else {
                        e.doc = codec.encode(doc).json();
                        e.updatedAt = Instant.now();
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
    public void append(List<ItemRecord> items, List<EventRecord> events) {
        String requestId = !events.isEmpty() ? events.get(0).requestId() : items.isEmpty() ? null : items.get(0).requestId();
        Transactions.write("store items and events", requestId, () -> {
            for (ItemRecord item : items) {
                ItemEntity e = em.find(ItemEntity.class, item.item().id());
                if (e == null) {
                    e = new ItemEntity();
                    e.id = item.item().id();
                    e.sessionId = item.sessionId();
                    e.requestId = item.requestId();
                    e.createdAt = item.createdAt();
                    em.persist(e);
                }
                e.type = item.item().type().name();
                e.status = item.item().status().name();
                e.json = codec.encode(item.item()).json();
                e.updatedAt = item.updatedAt();
            }
            for (EventRecord event : events) {
                EventEntity e = new EventEntity();
                e.id = event.requestId() + ":" + event.seq();
                e.requestId = event.requestId();
                e.seq = event.seq();
                e.type = event.type();
                e.json = event.json();
                e.at = event.at();
                em.persist(e);
            }
            em.flush();
            return null;
        });
    }

    @Override
    public List<ItemRecord> listItems(String sessionId, int limit) {
        return Transactions.read("list items", null, () -> em.createQuery(
                        "select i from ItemEntity i where i.sessionId = :id order by i.createdAt, i.id", ItemEntity.class)
                .setParameter("id", sessionId)
                .setMaxResults(limit)
                .getResultList().stream()
                .map(e -> new ItemRecord((Item) codec.convert(e.json, Item.class), e.sessionId, e.requestId, e.createdAt,
                        e.updatedAt))
                .toList());
    }

    @Override
    public List<EventRecord> readEvents(String requestId, long afterSeq, int limit) {
        return Transactions.read("read events", requestId, () -> em.createQuery(
                        "select e from EventEntity e where e.requestId = :id and e.seq > :after order by e.seq", EventEntity.class)
                .setParameter("id", requestId)
                .setParameter("after", afterSeq)
                .setMaxResults(limit)
                .getResultList().stream()
                .map(e -> new EventRecord(e.requestId, e.seq, e.type, e.json, e.at))
                .toList());
    }

    @Override
    public long lastSeq(String requestId) {
        return Transactions.read("read events", requestId, () -> {
            Long max = em.createQuery("select max(e.seq) from EventEntity e where e.requestId = :id", Long.class)
                    .setParameter("id", requestId).getSingleResult();
            return max == null ? 0L : max;
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String json) {
        return new HashMap<>((Map<String, Object>) codec.convert(json, Map.class));
    }

    private static SessionRecord record(SessionEntity e) {
        return new SessionRecord(e.id, e.kind, e.userId, e.createdAt, e.updatedAt);
    }
}
