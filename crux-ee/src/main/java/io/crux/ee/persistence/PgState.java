package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.StateChange;

/**
 * The named state changes as single PostgreSQL statements on {@code CRUX_STATE}. The document is
 * stored as text and changed as {@code jsonb}; every statement increments the version, so readers
 * that compare versions see the change, and takes the row lock for its own length only, so it
 * queues behind a {@code SELECT ... FOR UPDATE} of the rewrite path and the other way round.
 *
 * <p>They are run here with plain JDBC, on the connection the store hands in: the persistence
 * unit's connection of the current transaction, or one of the datasource's outside a transaction.
 * The upserts share their first five parameters: id, scope, scope key, the document to insert
 * when there is none, and the time.
 */
final class PgState {

    /** How often, and how far apart, the outcome of a commit whose answer was lost is asked for. */
    private static final int COMMIT_CHECKS = 10;

    private static final Duration COMMIT_CHECK_PAUSE = Duration.ofMillis(200);

    private static final String UPSERT = "INSERT INTO CRUX_STATE AS s (ID, SCOPE, SCOPE_KEY, DOC, UPDATED_AT, VERSION)"
            + " VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (ID) DO UPDATE SET UPDATED_AT = EXCLUDED.UPDATED_AT, VERSION = s.VERSION + 1, ";

    private static final String DOC = "CAST(s.DOC AS jsonb)";

    private static final String VALUE = DOC + " -> CAST(? AS text)";

    /** 6: the removed keys as a JSON array; 7: the set values as a JSON object. */
    private static final String PATCH = UPSERT + "DOC = CAST((" + DOC
            + " - ARRAY(SELECT jsonb_array_elements_text(CAST(? AS jsonb))))" + " || CAST(? AS jsonb) AS text)";

    /** 6, 7: the key; 8: the delta; 9, 10: the key. Returns the new value; no row when the value is not a number. */
    private static final String INCREMENT = UPSERT + "DOC = CAST(jsonb_set(" + DOC + ", ARRAY[CAST(? AS text)],"
            + " to_jsonb(COALESCE(trunc(CAST(" + DOC
            + " ->> CAST(? AS text) AS numeric)), 0) + CAST(? AS bigint))) AS text)"
            + " WHERE COALESCE(jsonb_typeof(" + VALUE + "), 'null') IN ('number', 'null')"
            + " RETURNING CAST(" + DOC + " ->> CAST(? AS text) AS bigint)";

    /** 6, 7, 8: the key; 9: the element wrapped in a JSON array; 10, 11: the key. Returns the list's size; no row when the value is not a list. */
    private static final String APPEND = UPSERT + "DOC = CAST(jsonb_set(" + DOC + ", ARRAY[CAST(? AS text)],"
            + " CASE WHEN jsonb_typeof(" + VALUE + ") = 'array' THEN " + VALUE + " ELSE CAST('[]' AS jsonb) END"
            + " || CAST(? AS jsonb)) AS text)"
            + " WHERE COALESCE(jsonb_typeof(" + VALUE + "), 'null') IN ('array', 'null')"
            + " RETURNING jsonb_array_length(" + VALUE + ")";

    /** 1: the key; 2: the time; 3: the id; 4: the key. Changes one row if the key held a value other than null. */
    private static final String REMOVE =
            "UPDATE CRUX_STATE AS s SET DOC = CAST(" + DOC + " - CAST(? AS text) AS text), UPDATED_AT = ?,"
                    + " VERSION = s.VERSION + 1 WHERE s.ID = ? AND jsonb_typeof(" + VALUE + ") <> 'null'";

    private final PayloadCodec codec;

    /** @param codec encodes the JSON the statements take */
    PgState(PayloadCodec codec) {
        this.codec = codec;
    }

    /**
     * One statement in plain JDBC: the provider's native-query machinery costs more than the
     * statement itself.
     *
     * @return the change's result; {@code null} for an increment or append that changed nothing
     *     (the value has the wrong type)
     */
    <T> T change(Connection c, String scope, String key, String id, StateChange<T> change) throws SQLException {
        Timestamp now = Timestamp.from(Instant.now());
        if (change instanceof StateChange.Patch p) {
            Map<String, Object> set = new LinkedHashMap<>();
            List<String> removed = new ArrayList<>();
            p.values().forEach((k, v) -> {
                if (v == null) {
                    removed.add(k);
                } else {
                    set.put(k, v);
                }
            });
            String values = codec.encode(set).json();
            update(c, PATCH, id, scope, key, values, now, codec.encode(removed).json(), values);
            return null;
        }
        if (change instanceof StateChange.Increment inc) {
            Object after = single(
                    c,
                    INCREMENT,
                    id,
                    scope,
                    key,
                    json(inc.key(), inc.delta()),
                    now,
                    inc.key(),
                    inc.key(),
                    inc.delta(),
                    inc.key(),
                    inc.key());
            return after == null ? null : cast(((Number) after).longValue());
        }
        if (change instanceof StateChange.Append push) {
            List<Object> element = Collections.singletonList(push.value());
            Object after = single(
                    c,
                    APPEND,
                    id,
                    scope,
                    key,
                    json(push.key(), element),
                    now,
                    push.key(),
                    push.key(),
                    push.key(),
                    codec.encode(element).json(),
                    push.key(),
                    push.key());
            return after == null ? null : cast(((Number) after).intValue());
        }
        StateChange.Remove remove = (StateChange.Remove) change;
        return cast(update(c, REMOVE, remove.key(), now, id, remove.key()) > 0);
    }

    /**
     * An increment in a local transaction of its own that also returns its transaction id, so that
     * a commit whose answer is lost with the connection is checked ({@code txid_status}) instead of
     * being taken for a failure: an increment that throws here applied nothing, so that a caller
     * may retry it without counting it twice.
     *
     * @return the value after the increment; {@code null} when the value is not a number
     */
    Long incrementVerified(
            DataSource dataSource, Connection c, String scope, String key, String id, StateChange.Increment inc)
            throws SQLException {
        c.setAutoCommit(false);
        long after;
        long xid;
        try (PreparedStatement ps = c.prepareStatement(INCREMENT + ", txid_current()")) {
            bind(
                    ps,
                    id,
                    scope,
                    key,
                    json(inc.key(), inc.delta()),
                    Timestamp.from(Instant.now()),
                    inc.key(),
                    inc.key(),
                    inc.delta(),
                    inc.key(),
                    inc.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    c.rollback();
                    return null;
                }
                after = rs.getLong(1);
                xid = rs.getLong(2);
            }
        } catch (SQLException failed) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // not committed either way: the connection is gone or the statement failed
            }
            throw failed;
        }
        try {
            c.commit();
            return after;
        } catch (SQLException lost) {
            if (committed(dataSource, xid, id, lost)) {
                return after;
            }
            throw lost;
        }
    }

    /**
     * Asks the database, on another connection, whether a transaction whose commit answer was lost
     * committed. The database ends the transaction of a lost connection once it notices the loss:
     * until then it is "in progress", and it is asked again a few times.
     */
    private static boolean committed(DataSource dataSource, long xid, String id, SQLException lost)
            throws SQLException {
        for (int attempt = 1; ; attempt++) {
            String status;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (PreparedStatement ps = c.prepareStatement("SELECT txid_status(?)")) {
                    ps.setLong(1, xid);
                    try (ResultSet rs = ps.executeQuery()) {
                        status = rs.next() ? rs.getString(1) : null;
                    }
                }
            }
            if ("committed".equals(status)) {
                return true;
            }
            if ("aborted".equals(status)) {
                return false;
            }
            if (attempt == COMMIT_CHECKS) {
                throw new SQLException(Messages.commitUnknown(id, COMMIT_CHECKS), lost);
            }
            LockSupport.parkNanos(COMMIT_CHECK_PAUSE.toNanos());
        }
    }

    private static int update(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            return ps.executeUpdate();
        }
    }

    /** @return the first column of the first row, or {@code null} for no row */
    private static Object single(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Binds with the typed setters: {@code setObject} costs more in the server's JDBC wrapper. */
    private static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            if (p instanceof String text) {
                ps.setString(i + 1, text);
            } else if (p instanceof Long || p instanceof Integer) {
                ps.setLong(i + 1, ((Number) p).longValue());
            } else if (p instanceof Timestamp at) {
                ps.setTimestamp(i + 1, at);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private String json(String key, Object value) {
        Map<String, Object> doc = new HashMap<>();
        doc.put(key, value);
        return codec.encode(doc).json();
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
