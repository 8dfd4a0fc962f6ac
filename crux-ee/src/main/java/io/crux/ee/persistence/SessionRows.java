package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import io.crux.ee.api.Item;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.PayloadCodec;

/**
 * The rows of {@code CRUX_ITEM} and {@code CRUX_EVENT} that a step writes, in plain JDBC on the
 * connection of the current transaction: a step writes one row of each (the database's cost per
 * row, its indexes above all, is what a step of many items would pay per item otherwise).
 *
 * <p>The items of one append (of one session and request) are one {@code CRUX_ITEM} row: their
 * JSON one per line in {@code ITEM_JSON}, their creation and update times one line each in
 * {@code ITEM_TIMES}. An item that changes later is written again in a later row; reads keep its
 * last content and its first place, session, request and creation time. Rows written before
 * batching, and items whose JSON has a line break, have no {@code ITEM_TIMES} and hold one item.
 *
 * <p>Consecutive events of a request are one {@code CRUX_EVENT} row: {@code FIRST_SEQ} to
 * {@code SEQ}, their envelopes one per line in {@code EVENT_JSON} and their types one per line in
 * {@code EVENT_TYPES}. The key is the request and the first sequence number, so two writers that
 * continue a request from the same point collide instead of both storing. Rows written before
 * batching have no {@code FIRST_SEQ} and hold one event.
 */
final class SessionRows {

    private static final String INSERT_ITEMS =
            "INSERT INTO CRUX_ITEM (ID, SESSION_ID, REQUEST_ID, TYPE, STATUS, ITEM_JSON,"
                    + " ITEM_TIMES, CREATED_AT, UPDATED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";

    private static final String LIST_ITEMS =
            "SELECT REQUEST_ID, ITEM_JSON, ITEM_TIMES, CREATED_AT, UPDATED_AT FROM CRUX_ITEM"
                    + " WHERE SESSION_ID = ? ORDER BY CREATED_AT, ID";

    private static final String INSERT_EVENTS =
            "INSERT INTO CRUX_EVENT (ID, REQUEST_ID, FIRST_SEQ, SEQ, TYPE, EVENT_TYPES,"
                    + " EVENT_JSON, OCCURRED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)";

    private static final String READ_EVENTS = "SELECT FIRST_SEQ, SEQ, TYPE, EVENT_TYPES, EVENT_JSON, OCCURRED_AT"
            + " FROM CRUX_EVENT WHERE REQUEST_ID = ? AND SEQ > ? ORDER BY SEQ";

    /** Rows fetched at a time while reading events: a read usually needs a few, a replay many. */
    private static final int READ_FETCH_SIZE = 16;

    private SessionRows() {}

    /** Stores items, one row for each run of items of one session and request. */
    static void insertItems(Connection c, List<ItemRecord> items, PayloadCodec codec) throws SQLException {
        if (items.isEmpty()) {
            return;
        }
        List<ItemRecord> latest = latestById(items);
        List<String> json = latest.stream().map(r -> r.json(codec)).toList();
        String append = UUID.randomUUID().toString(); // the rows' ids: this, then their place in the append
        try (PreparedStatement ps = c.prepareStatement(INSERT_ITEMS)) {
            int from = 0;
            for (int row = 0; from < latest.size(); row++) {
                int to = from + 1;
                while (to < latest.size()
                        && oneLine(json.get(to - 1))
                        && oneLine(json.get(to))
                        && sameOwner(latest.get(to - 1), latest.get(to))) {
                    to++;
                }
                bindItems(ps, String.format("%s/%06d", append, row), latest.subList(from, to), json.subList(from, to));
                ps.addBatch();
                from = to;
            }
            ps.executeBatch();
        }
    }

    private static boolean sameOwner(ItemRecord a, ItemRecord b) {
        return Objects.equals(a.sessionId(), b.sessionId()) && a.requestId().equals(b.requestId());
    }

    private static void bindItems(PreparedStatement ps, String id, List<ItemRecord> row, List<String> json)
            throws SQLException {
        ItemRecord first = row.get(0);
        ItemRecord last = row.get(row.size() - 1);
        ps.setString(1, id);
        ps.setString(2, first.sessionId());
        ps.setString(3, first.requestId());
        ps.setString(4, last.item().type().name());
        ps.setString(5, last.item().status().name());
        if (row.size() == 1 && !oneLine(json.get(0))) {
            ps.setString(6, json.get(0));
            ps.setNull(7, Types.CLOB);
        } else {
            StringBuilder times = new StringBuilder();
            for (ItemRecord r : row) {
                if (!times.isEmpty()) {
                    times.append('\n');
                }
                times.append(r.createdAt()).append(' ').append(r.updatedAt());
            }
            ps.setString(6, String.join("\n", json));
            ps.setString(7, times.toString());
        }
        ps.setTimestamp(8, Timestamp.from(first.createdAt()));
        ps.setTimestamp(
                9,
                Timestamp.from(row.stream()
                        .map(ItemRecord::updatedAt)
                        .max(Instant::compareTo)
                        .orElseThrow()));
    }

    /**
     * @return the session's items, oldest first: each once, with its last content and its first
     *     creation time, session and request
     */
    static List<ItemRecord> listItems(Connection c, String sessionId, int limit, PayloadCodec codec)
            throws SQLException {
        List<ItemRecord> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LIST_ITEMS)) {
            ps.setString(1, sessionId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String requestId = rs.getString(1);
                    String json = rs.getString(2);
                    String times = rs.getString(3);
                    if (times == null) {
                        versions.add(new ItemRecord(
                                item(json, codec),
                                sessionId,
                                requestId,
                                rs.getTimestamp(4).toInstant(),
                                rs.getTimestamp(5).toInstant(),
                                json));
                        continue;
                    }
                    String[] jsonLines = json.split("\n", -1);
                    String[] timeLines = times.split("\n", -1);
                    for (int i = 0; i < jsonLines.length; i++) {
                        int space = timeLines[i].indexOf(' ');
                        versions.add(new ItemRecord(
                                item(jsonLines[i], codec),
                                sessionId,
                                requestId,
                                Instant.parse(timeLines[i].substring(0, space)),
                                Instant.parse(timeLines[i].substring(space + 1)),
                                jsonLines[i]));
                    }
                }
            }
        }
        List<ItemRecord> items = latestById(versions);
        return items.size() <= limit ? items : List.copyOf(items.subList(0, limit));
    }

    private static Item item(String json, PayloadCodec codec) {
        return (Item) codec.convert(json, Item.class);
    }

    /** One record per item id, in the order of first appearance: the last content, created where and when the first was. */
    private static List<ItemRecord> latestById(List<ItemRecord> items) {
        if (items.size() == 1) {
            return items;
        }
        Map<String, ItemRecord> byId = new LinkedHashMap<>();
        for (ItemRecord r : items) {
            byId.merge(
                    r.item().id(),
                    r,
                    (first, last) -> new ItemRecord(
                            last.item(),
                            first.sessionId(),
                            first.requestId(),
                            first.createdAt(),
                            last.updatedAt(),
                            last.json()));
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
                while (to < events.size()
                        && oneLine[to - 1]
                        && oneLine[to]
                        && continues(events.get(to - 1), events.get(to))) {
                    to++;
                }
                bindEvents(ps, events.subList(from, to));
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
        return oneLine(e.json()) && oneLine(e.type());
    }

    private static boolean oneLine(String s) {
        return s.indexOf('\n') < 0;
    }

    private static void bindEvents(PreparedStatement ps, List<EventRecord> row) throws SQLException {
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
