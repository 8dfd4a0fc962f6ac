package io.crux.it.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.inject.Inject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.api.Item;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.it.support.Deployments;

/**
 * The stored event log and items on the server's database: the events of one append are one row,
 * and reads split rows at any position, mix them with single events and with rows of the first
 * schema (one event each), and return every event once, in order; a second writer that continues a
 * request from a taken number stores nothing; the items of one append are one row, and a changed
 * item keeps its place and creation time, also next to rows of the first schema (one item each).
 */
@ExtendWith(ArquillianExtension.class)
class EventLogIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-event-log", EventLogIT.class);
    }

    @Inject
    SessionStore store;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Test
    void consecutiveEventsOfOneAppendAreOneRowAndReadBackFromAnyPosition() throws Exception {
        String request = UUID.randomUUID().toString();
        store.append(List.of(), events(request, 1, 50));

        assertEquals(1, rows(request), "one row for the append");
        assertEquals(seqs(1, 50), seqsOf(store.readEvents(request, 0, 500)));
        assertEquals(seqs(18, 27), seqsOf(store.readEvents(request, 17, 10)), "a read from inside the row");
        assertEquals(List.of(), store.readEvents(request, 50, 10));
        assertEquals(50, store.lastSeq(request));

        EventRecord stored = store.readEvents(request, 41, 1).get(0);
        EventRecord sent = events(request, 42, 42).get(0);
        assertEquals(sent.type(), stored.type());
        assertEquals(sent.json(), stored.json());
    }

    @Test
    void rowsOfEveryShapeReadAsOneSequence() throws Exception {
        String request = UUID.randomUUID().toString();
        insertFirstSchemaRow(request, 1); // one event, no FIRST_SEQ
        store.append(List.of(), events(request, 2, 2));
        store.append(List.of(), events(request, 3, 9));
        List<EventRecord> gapAndNewline = new ArrayList<>(events(request, 10, 11));
        gapAndNewline.add(new EventRecord(
                request, 13, "state.changed", "{\"type\":\"state.changed\",\n\"seq\":13}", Instant.now()));
        gapAndNewline.addAll(events(request, 14, 15));
        store.append(List.of(), gapAndNewline); // 10-11, then 13 on its own line-breaking row, then 14-15

        List<Long> expected = new ArrayList<>(seqs(1, 11));
        expected.addAll(seqs(13, 15));
        assertEquals(expected, seqsOf(store.readEvents(request, 0, 500)));
        assertEquals(List.of(1L, 2L, 3L), seqsOf(store.readEvents(request, 0, 3)), "the limit counts events, not rows");
        assertEquals(List.of(9L, 10L, 11L, 13L), seqsOf(store.readEvents(request, 8, 4)));
        assertEquals(
                "{\"type\":\"state.changed\",\n\"seq\":13}",
                store.readEvents(request, 11, 1).get(0).json());

        List<Long> paged = new ArrayList<>();
        for (long after = 0; ; ) {
            List<EventRecord> page = store.readEvents(request, after, 2);
            if (page.isEmpty()) {
                break;
            }
            page.forEach(e -> paged.add(e.seq()));
            after = page.get(page.size() - 1).seq();
        }
        assertEquals(expected, paged, "pages of two, as a resuming stream reads them");
        assertEquals(15, store.lastSeq(request));
    }

    @Test
    void aSecondWriterFromATakenNumberStoresNothing() throws Exception {
        String request = UUID.randomUUID().toString();
        String session = UUID.randomUUID().toString();
        store.append(List.of(), events(request, 1, 10));

        Item late = Item.status("late");
        assertThrows(
                FlowConflictException.class,
                () -> store.append(
                        List.of(new ItemRecord(late, session, request, Instant.now(), Instant.now())),
                        events(request, 1, 5)));

        assertEquals(seqs(1, 10), seqsOf(store.readEvents(request, 0, 500)));
        assertEquals(List.of(), store.listItems(session, 10), "the item of the refused append is not stored");
    }

    @Test
    void theItemsOfOneAppendAreOneRowAndAChangedItemKeepsItsPlaceAndFirstTime() throws Exception {
        String request = UUID.randomUUID().toString();
        String session = UUID.randomUUID().toString();
        Item first = Item.status("first");
        Item started = Item.message("assistant", "Hel").withStatus(Item.Status.IN_PROGRESS);
        Item finished = started.withContent(Map.of("role", "assistant", "text", "Hello"))
                .withStatus(Item.Status.COMPLETED);
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        Instant t1 = Instant.parse("2026-01-01T10:00:01.000001Z");
        Instant t2 = Instant.parse("2026-01-01T10:00:02Z");
        store.append(
                List.of(
                        new ItemRecord(first, session, request, t0, t0),
                        new ItemRecord(started, session, request, t1, t1),
                        new ItemRecord(finished, session, request, t1, t2)),
                List.of());

        assertEquals(
                1, single("SELECT COUNT(*) FROM CRUX_ITEM WHERE SESSION_ID = ?", session), "one row for the append");
        List<ItemRecord> items = store.listItems(session, 10);
        assertEquals(
                List.of(first.id(), started.id()),
                items.stream().map(i -> i.item().id()).toList());
        assertEquals(finished, items.get(1).item());
        assertEquals(t1, items.get(1).createdAt());
        assertEquals(t2, items.get(1).updatedAt());

        Item replaced = finished.withContent(Map.of("role", "assistant", "text", "Hello again"));
        Item later = Item.status("later");
        Instant t3 = Instant.parse("2026-01-01T10:00:03Z");
        store.append(
                List.of(
                        new ItemRecord(replaced, session, "request-2", t3, t3),
                        new ItemRecord(later, session, "request-2", t3, t3)),
                List.of());

        items = store.listItems(session, 10);
        assertEquals(
                List.of(first.id(), started.id(), later.id()),
                items.stream().map(i -> i.item().id()).toList(),
                "a changed item keeps its place");
        assertEquals(replaced, items.get(1).item(), "and shows its last content");
        assertEquals(t1, items.get(1).createdAt());
        assertEquals(t3, items.get(1).updatedAt());
        assertEquals(request, items.get(1).requestId(), "and the request that created it");
        assertEquals(
                List.of(first.id(), started.id()),
                store.listItems(session, 2).stream().map(i -> i.item().id()).toList());
    }

    @Test
    void itemRowsOfTheFirstSchemaAndItemsWithLineBreaksReadWithTheRest() throws Exception {
        String session = UUID.randomUUID().toString();
        Item old = Item.status("stored one per row");
        Instant t0 = Instant.parse("2026-01-01T09:00:00Z");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO CRUX_ITEM (ID,"
                                + " SESSION_ID, REQUEST_ID, TYPE, STATUS, ITEM_JSON, CREATED_AT, UPDATED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
            ps.setString(1, old.id());
            ps.setString(2, session);
            ps.setString(3, "request-0");
            ps.setString(4, "STATUS");
            ps.setString(5, "COMPLETED");
            ps.setString(
                    6,
                    "{\"id\":\"" + old.id() + "\",\"type\":\"STATUS\",\"status\":\"COMPLETED\",\"audience\":\"CLIENT\","
                            + "\"content\":{\"text\":\"stored one per row\"}}");
            ps.setTimestamp(7, Timestamp.from(t0));
            ps.setTimestamp(8, Timestamp.from(t0));
            ps.executeUpdate();
        }
        // stored items carry their resolved audience (the engine resolves BY_TYPE before it writes)
        Item pretty = Item.status("pretty").withAudience(Item.Audience.CLIENT);
        Item plain = Item.status("plain").withAudience(Item.Audience.CLIENT);
        Instant t1 = Instant.parse("2026-01-01T10:00:00Z");
        String prettyJson =
                "{\n  \"id\": \"" + pretty.id() + "\",\n  \"type\": \"STATUS\",\n  \"status\": \"COMPLETED\",\n"
                        + "  \"audience\": \"CLIENT\",\n  \"content\": {\"text\": \"pretty\"}\n}";
        store.append(
                List.of(
                        new ItemRecord(pretty, session, "request-1", t1, t1, prettyJson),
                        new ItemRecord(plain, session, "request-1", t1, t1),
                        new ItemRecord(old.withContent(Map.of("text", "changed")), session, "request-1", t1, t1)),
                List.of());

        List<ItemRecord> items = store.listItems(session, 10);
        assertEquals(
                List.of(old.id(), pretty.id(), plain.id()),
                items.stream().map(i -> i.item().id()).toList());
        assertEquals(Map.of("text", "changed"), items.get(0).item().content());
        assertEquals(t0, items.get(0).createdAt());
        assertEquals(pretty, items.get(1).item());
    }

    private static List<EventRecord> events(String request, long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(seq -> new EventRecord(
                        request,
                        seq,
                        seq % 7 == 0 ? "state.changed" : "item.done",
                        "{\"type\":\"item.done\",\"requestId\":\"" + request + "\",\"seq\":" + seq
                                + ",\"item\":{\"text\":\"n" + seq + "\"}}",
                        Instant.now()))
                .toList();
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static List<Long> seqsOf(List<EventRecord> events) {
        return events.stream().map(EventRecord::seq).toList();
    }

    private long rows(String request) throws Exception {
        return single("SELECT COUNT(*) FROM CRUX_EVENT WHERE REQUEST_ID = ?", request);
    }

    private long single(String sql, String parameter) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A row as the first schema wrote it: one event, no FIRST_SEQ or EVENT_TYPES. */
    private void insertFirstSchemaRow(String request, long seq) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO CRUX_EVENT (ID, REQUEST_ID, SEQ, TYPE, EVENT_JSON, OCCURRED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, 1)")) {
            ps.setString(1, request + ":" + seq);
            ps.setString(2, request);
            ps.setLong(3, seq);
            ps.setString(4, "request.created");
            ps.setString(5, "{\"type\":\"request.created\",\"seq\":" + seq + "}");
            ps.setTimestamp(6, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        }
    }
}
