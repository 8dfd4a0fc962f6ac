package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.PayloadCodec;

/**
 * The rows of {@code CRUX_ITEM} and {@code CRUX_EVENT} that a step writes, in plain JDBC on the
 * connection of the current transaction: a step writes tens of them, and the provider's unit of
 * work cost more per row than the database does.
 *
 * <p>Consecutive events of a request are one {@code CRUX_EVENT} row: {@code FIRST_SEQ} to
 * {@code SEQ}, their envelopes one per line in {@code EVENT_JSON} and their types one per line in
 * {@code EVENT_TYPES}. The key is the request and the first sequence number, so two writers that
 * continue a request from the same point collide instead of both storing. Rows written before
 * batching have no {@code FIRST_SEQ} and hold one event.
 */
final class SessionRows {

    private static final String PG_UPSERT_ITEMS = "INSERT INTO CRUX_ITEM AS i (ID, SESSION_ID, REQUEST_ID, TYPE, STATUS,"
            + " ITEM_JSON, CREATED_AT, UPDATED_AT, VERSION)"
            + " SELECT u.ID, u.SESSION_ID, u.REQUEST_ID, u.TYPE, u.STATUS, u.ITEM_JSON, CAST(u.CREATED_AT AS timestamp),"
            + " CAST(u.UPDATED_AT AS timestamp), 1"
            + " FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),"
            + " CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))"
            + " AS u(ID, SESSION_ID, REQUEST_ID, TYPE, STATUS, ITEM_JSON, CREATED_AT, UPDATED_AT)"
            + " ON CONFLICT (ID) DO UPDATE SET TYPE = EXCLUDED.TYPE, STATUS = EXCLUDED.STATUS, ITEM_JSON = EXCLUDED.ITEM_JSON,"
            + " UPDATED_AT = EXCLUDED.UPDATED_AT, VERSION = i.VERSION + 1";

    private static final String H2_UPSERT_ITEM = "MERGE INTO CRUX_ITEM i USING (VALUES (CAST(? AS VARCHAR(64)),"
            + " CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(128)), CAST(? AS VARCHAR(16)), CAST(? AS VARCHAR(16)),"
            + " CAST(? AS CHARACTER LARGE OBJECT), CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP)))"
            + " AS u(ID, SESSION_ID, REQUEST_ID, TYPE, STATUS, ITEM_JSON, CREATED_AT, UPDATED_AT) ON i.ID = u.ID"
            + " WHEN MATCHED THEN UPDATE SET TYPE = u.TYPE, STATUS = u.STATUS, ITEM_JSON = u.ITEM_JSON,"
            + " UPDATED_AT = u.UPDATED_AT, VERSION = i.VERSION + 1"
            + " WHEN NOT MATCHED THEN INSERT (ID, SESSION_ID, REQUEST_ID, TYPE, STATUS, ITEM_JSON, CREATED_AT, UPDATED_AT, VERSION)"
            + " VALUES (u.ID, u.SESSION_ID, u.REQUEST_ID, u.TYPE, u.STATUS, u.ITEM_JSON, u.CREATED_AT, u.UPDATED_AT, 1)";

    private static final String INSERT_EVENTS = "INSERT INTO CRUX_EVENT (ID, REQUEST_ID, FIRST_SEQ, SEQ, TYPE, EVENT_TYPES,"
            + " EVENT_JSON, OCCURRED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)";

    private static final String READ_EVENTS = "SELECT FIRST_SEQ, SEQ, TYPE, EVENT_TYPES, EVENT_JSON, OCCURRED_AT"
            + " FROM CRUX_EVENT WHERE REQUEST_ID = ? AND SEQ > ? ORDER BY SEQ";

    /** Rows fetched at a time while reading: a read usually needs a few, a replay many. */
    private static final int READ_FETCH_SIZE = 16;

    private SessionRows() {}

    /**
     * Adds or replaces items by id; a replaced item keeps its session, request and creation time
     * and gets a new version.
     */
    static void upsertItems(Connection c, boolean postgreSql, List<ItemRecord> items, PayloadCodec codec)
            throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        List<ItemRecord> rows = latestById(items);
        if (postgreSql) {
            int n = rows.size();
            String[][] columns = new String[8][n];
            for (int i = 0; i < n; i++) {
                ItemRecord r = rows.get(i);
                columns[0][i] = r.item().id();
                columns[1][i] = r.sessionId();
                columns[2][i] = r.requestId();
                columns[3][i] = r.item().type().name();
                columns[4][i] = r.item().status().name();
                columns[5][i] = r.json(codec);
                columns[6][i] = localTime(r.createdAt());
                columns[7][i] = r.updatedAt().equals(r.createdAt()) ? columns[6][i] : localTime(r.updatedAt());
            }
            try (PreparedStatement ps = c.prepareStatement(PG_UPSERT_ITEMS)) {
                for (int col = 0; col < columns.length; col++) {
                    ps.setArray(col + 1, c.createArrayOf("text", columns[col]));
                }
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(H2_UPSERT_ITEM)) {
            for (ItemRecord r : rows) {
                ps.setString(1, r.item().id());
                ps.setString(2, r.sessionId());
                ps.setString(3, r.requestId());
                ps.setString(4, r.item().type().name());
                ps.setString(5, r.item().status().name());
                ps.setString(6, r.json(codec));
                ps.setTimestamp(7, Timestamp.from(r.createdAt()));
                ps.setTimestamp(8, Timestamp.from(r.updatedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * A time as the driver binds a {@link Timestamp} to a {@code TIMESTAMP} column: the local date
     * and time in the JVM's zone, here in ISO form for a text array.
     */
    private static String localTime(Instant at) {
        return LocalDateTime.ofInstant(at, ZoneId.systemDefault()).toString();
    }

    /** One record per item id: the last one given, created when the first one was. */
    private static List<ItemRecord> latestById(List<ItemRecord> items) {
        if (items.size() == 1) {
            return items;
        }
        Map<String, ItemRecord> byId = new LinkedHashMap<>();
        for (ItemRecord r : items) {
            byId.merge(r.item().id(), r, (first, last) -> new ItemRecord(last.item(), first.sessionId(), first.requestId(),
                    first.createdAt(), last.updatedAt(), last.json()));
        }
        return byId.size() == items.size() ? items : new ArrayList<>(byId.values());
    }

    /** Stores events, one row for each run of consecutive sequence numbers of one request. */
    static void insertEvents(Connection c, List<EventRecord> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        boolean[] oneLine = new boolean[events.size()];
        for (int i = 0; i < oneLine.length; i++) {
            oneLine[i] = oneLine(events.get(i));
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS)) {
            int from = 0;
            while (from < events.size()) {
                int to = from + 1;
                while (to < events.size() && oneLine[to - 1] && oneLine[to] && continues(events.get(to - 1), events.get(to))) {
                    to++;
                }
                bindRow(ps, events.subList(from, to));
                ps.addBatch();
                from = to;
            }
            ps.executeBatch();
        }
    }

    /** Whether an event can follow its predecessor in a row: the next number of the same request. */
    private static boolean continues(EventRecord previous, EventRecord next) {
        return next.seq() == previous.seq() + 1 && next.requestId().equals(previous.requestId());
    }

    /** Whether an event can share a row: the row keeps one per line. */
    private static boolean oneLine(EventRecord e) {
        return e.json().indexOf('\n') < 0 && e.type().indexOf('\n') < 0;
    }

    private static void bindRow(PreparedStatement ps, List<EventRecord> row) throws SQLException {
        EventRecord first = row.get(0);
        EventRecord last = row.get(row.size() - 1);
        StringBuilder types = new StringBuilder();
        StringBuilder json = new StringBuilder();
        for (EventRecord e : row) {
            if (!types.isEmpty()) {
                types.append('\n');
                json.append('\n');
            }
            types.append(e.type());
            json.append(e.json());
        }
        ps.setString(1, first.requestId() + ":" + first.seq());
        ps.setString(2, first.requestId());
        ps.setLong(3, first.seq());
        ps.setLong(4, last.seq());
        ps.setString(5, last.type());
        ps.setString(6, types.toString());
        ps.setString(7, json.toString());
        ps.setTimestamp(8, Timestamp.from(last.at()));
    }

    /**
     * @return at most {@code limit} events of the request after {@code afterSeq}, in order; fewer
     *     only when no more are stored
     */
    static List<EventRecord> readEvents(Connection c, String requestId, long afterSeq, int limit) throws SQLException {
        List<EventRecord> events = new ArrayList<>(Math.min(limit, 64));
        if (limit <= 0) {
            return events;
        }
        try (PreparedStatement ps = c.prepareStatement(READ_EVENTS)) {
            ps.setString(1, requestId);
            ps.setLong(2, afterSeq);
            ps.setMaxRows(limit); // every row holds at least one event
            ps.setFetchSize(Math.min(READ_FETCH_SIZE, limit));
            try (ResultSet rs = ps.executeQuery()) {
                while (events.size() < limit && rs.next()) {
                    long last = rs.getLong(2);
                    long first = rs.getLong(1);
                    if (rs.wasNull()) {
                        first = last;
                    }
                    String type = rs.getString(3);
                    String types = rs.getString(4);
                    String json = rs.getString(5);
                    Instant at = rs.getTimestamp(6).toInstant();
                    if (first == last) {
                        events.add(new EventRecord(requestId, last, types == null ? type : types, json, at));
                        continue;
                    }
                    String[] typeLines = types.split("\n", -1);
                    String[] jsonLines = json.split("\n", -1);
                    for (int i = 0; i < jsonLines.length && events.size() < limit; i++) {
                        long seq = first + i;
                        if (seq > afterSeq) {
                            events.add(new EventRecord(requestId, seq, typeLines[i], jsonLines[i], at));
                        }
                    }
                }
            }
        }
        return events;
    }
}
