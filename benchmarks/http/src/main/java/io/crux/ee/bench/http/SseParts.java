package io.crux.ee.bench.http;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;

/**
 * Where the time of a crux-ee request stream goes, on the server side, one thread, no client:
 * {@code GET /api/bench/sse-parts?items=N&perStep=K}.
 * <ul>
 * <li>{@code burstRun}: {@code bench-sse/burst} through {@code FlowHandle.run} with request events on
 * and no stream open: producing and storing the items and events (per step: one transaction with
 * the checkpoint and the step's items and events);
 * <li>{@code burstRunNoEvents}: the same with request events off (the items are still stored);
 * <li>{@code storeAppend}: {@code SessionStore.append} of one step's rows (K items and their K
 * item.done events) in one transaction, as the engine writes them with the step's checkpoint;
 * <li>{@code jdbcRows}: the same rows with bare JDBC in one local transaction of the same
 * DataSource, as crux-ee lays them out (one row of items, one row of events);
 * {@code jdbcRowPerEvent}: the first layout, a row per item and per event, one JDBC batch per table;
 * <li>{@code envelopeEncode}: JSON-B encoding of one event envelope with its item (crux encodes
 * the item once and the envelope's other fields around it);
 * <li>{@code readEvents}: {@code SessionStore.readEvents} of a request's stored events, 500 at a
 * time, what a stream does when it opens or catches up.
 * </ul>
 */
@Path("bench")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class SseParts {

    @Inject
    @Flow(value = "bench-sse", action = "burst")
    FlowHandle<Burst, Integer> burst;

    @Inject
    SessionStore store;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();

    @GET
    @Path("sse-parts")
    public synchronized Map<String, Object> parts(
            @QueryParam("items") @DefaultValue("2000") int items,
            @QueryParam("perStep") @DefaultValue("50") int perStep,
            @QueryParam("repeat") @DefaultValue("3") int repeat)
            throws Exception {
        return executor.submit(() -> measure(Math.max(1, items), Math.max(1, perStep), Math.max(1, repeat)))
                .get();
    }

    private Map<String, Object> measure(int items, int perStep, int repeat) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "server-side parts of a crux-ee request stream (one managed thread, no client)");
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.put("items", items);
        out.put("perStep", perStep);
        double[] best = new double[8];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int pass = 0; pass <= repeat; pass++) { // pass 0 warms up; the best of the others is kept
            double[] t = new double[8];
            t[0] = burstRun(items, perStep, true);
            t[1] = burstRun(items, perStep, false);
            int appends = Math.max(1, items / perStep);
            long t0 = System.nanoTime();
            for (int i = 0; i < appends; i++) {
                store.append(itemRecords(perStep, UUID.randomUUID().toString()), List.of());
            }
            // append with events, as the engine does
            long t1 = System.nanoTime();
            String lastRequest = null;
            for (int i = 0; i < appends; i++) {
                lastRequest = UUID.randomUUID().toString();
                List<ItemRecord> rows = itemRecords(perStep, lastRequest);
                store.append(rows, events(lastRequest, rows));
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < appends; i++) {
                String request = UUID.randomUUID().toString();
                List<ItemRecord> rows = itemRecords(perStep, request);
                jdbc(rows, events(request, rows), false);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < appends; i++) {
                String request = UUID.randomUUID().toString();
                List<ItemRecord> rows = itemRecords(perStep, request);
                jdbc(rows, events(request, rows), true);
            }
            long t4 = System.nanoTime();
            int encodes = Math.max(1000, items);
            int bytes = 0;
            Item item = BenchPayloads.item(7);
            for (int i = 0; i < encodes; i++) {
                bytes += codec.encode(BenchPayloads.envelope("item.done", "r", i, Map.of("item", item)))
                        .json()
                        .length();
            }
            long t5 = System.nanoTime();
            int reads = 0;
            for (int i = 0; i < appends; i++) {
                reads += store.readEvents(lastRequest, 0, 500).size();
            }
            long t6 = System.nanoTime();
            if (bytes == 0 || reads == 0) {
                throw new IllegalStateException();
            }
            t[2] = (t1 - t0) / 1e3 / ((double) appends * perStep); // append of items only, per item
            t[3] = (t2 - t1) / 1e3 / ((double) appends * perStep); // append of items + 2 events, per item
            t[4] = (t3 - t2) / 1e3 / ((double) appends * perStep); // bare JDBC, crux-ee's rows, per item
            t[5] = (t4 - t3) / 1e3 / ((double) appends * perStep); // bare JDBC, a row per event, per item
            t[6] = (t5 - t4) / 1e3 / encodes; // one envelope
            t[7] = (t6 - t5) / 1e3 / reads; // per event read
            if (pass > 0) {
                for (int i = 0; i < t.length; i++) {
                    best[i] = Math.min(best[i], t[i]);
                }
            }
        }
        out.put("burstRunItemsPerSecond", round(items / (best[0] / 1e6)));
        out.put("burstRunNoEventsItemsPerSecond", round(items / (best[1] / 1e6)));
        out.put("burstRunUsPerItem", round(best[0] / items));
        out.put("storeAppendItemsOnlyUsPerItem", round(best[2]));
        out.put("storeAppendUsPerItem", round(best[3]));
        out.put("jdbcRowsUsPerItem", round(best[4]));
        out.put("jdbcRowPerEventUsPerItem", round(best[5]));
        out.put("envelopeEncodeUs", round(best[6]));
        out.put("readEventsUsPerEvent", round(best[7]));
        out.put(
                "notes",
                "best of " + repeat + " passes after one warm-up pass; per item = one item and, where events are "
                        + "included, its item.done event (an item emitted complete has no item.added); burstRun* = wall time of "
                        + "FlowHandle.run of the burst flow (no stream open)");
        return out;
    }

    /** @return µs of one run of the burst flow */
    private double burstRun(int items, int perStep, boolean events) {
        String session = UUID.randomUUID().toString();
        Instant now = Instant.now();
        store.createSession(new SessionRecord(session, "bench-sse", null, now, now));
        long t0 = System.nanoTime();
        FlowResult<Integer> r = burst.run(
                new Burst(items, perStep),
                RunOptions.defaults().withSessionId(session).withEvents(events));
        long t1 = System.nanoTime();
        if (!(r instanceof FlowResult.Completed<Integer> c) || c.output() != items) {
            throw new IllegalStateException("unexpected result " + r);
        }
        return (t1 - t0) / 1e3;
    }

    private static List<ItemRecord> itemRecords(int n, String request) {
        List<ItemRecord> rows = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            rows.add(new ItemRecord(BenchPayloads.item(i), "s-" + request, request, now, now));
        }
        return rows;
    }

    private List<EventRecord> events(String request, List<ItemRecord> rows) {
        List<EventRecord> events = new ArrayList<>(rows.size());
        long seq = 0;
        for (ItemRecord row : rows) {
            seq++;
            String json = codec.encode(BenchPayloads.envelope("item.done", request, seq, Map.of("item", row.item())))
                    .json();
            events.add(new EventRecord(request, seq, "item.done", json, Instant.now()));
        }
        return events;
    }

    /**
     * The rows crux-ee writes for a step, with bare JDBC in one local transaction: {@code rows} the
     * way crux-ee stores them (one row of items, one row of events), {@code rowPerEvent} the first
     * layout (a row per item and a row per event, one JDBC batch per table).
     */
    private void jdbc(List<ItemRecord> items, List<EventRecord> events, boolean rowPerEvent) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO CRUX_ITEM (ID, SESSION_ID, REQUEST_ID, TYPE, STATUS, "
                            + "ITEM_JSON, ITEM_TIMES, CREATED_AT, UPDATED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                if (rowPerEvent) {
                    for (ItemRecord r : items) {
                        bindItems(ps, r.item().id(), List.of(r));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                } else {
                    bindItems(ps, UUID.randomUUID() + "/000000", items);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO CRUX_EVENT (ID, REQUEST_ID, FIRST_SEQ, SEQ, TYPE, "
                            + "EVENT_TYPES, EVENT_JSON, OCCURRED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)")) {
                if (rowPerEvent) {
                    for (EventRecord e : events) {
                        bindEvents(ps, List.of(e));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                } else {
                    bindEvents(ps, events);
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }

    /** One item row: the items' JSON and their times one per line. */
    private void bindItems(PreparedStatement ps, String id, List<ItemRecord> items) throws SQLException {
        ItemRecord first = items.get(0);
        ItemRecord last = items.get(items.size() - 1);
        ps.setString(1, id);
        ps.setString(2, first.sessionId());
        ps.setString(3, first.requestId());
        ps.setString(4, last.item().type().name());
        ps.setString(5, last.item().status().name());
        ps.setString(
                6,
                String.join(
                        "\n",
                        items.stream().map(r -> codec.encode(r.item()).json()).toList()));
        ps.setString(
                7,
                String.join(
                        "\n",
                        items.stream()
                                .map(r -> r.createdAt() + " " + r.updatedAt())
                                .toList()));
        ps.setTimestamp(8, Timestamp.from(first.createdAt()));
        ps.setTimestamp(9, Timestamp.from(last.updatedAt()));
    }

    /** One event row: the events' numbers, their types and envelopes one per line. */
    private static void bindEvents(PreparedStatement ps, List<EventRecord> events) throws SQLException {
        EventRecord first = events.get(0);
        EventRecord last = events.get(events.size() - 1);
        ps.setString(1, first.requestId() + ":" + first.seq());
        ps.setString(2, first.requestId());
        ps.setLong(3, first.seq());
        ps.setLong(4, last.seq());
        ps.setString(5, last.type());
        ps.setString(6, String.join("\n", events.stream().map(EventRecord::type).toList()));
        ps.setString(7, String.join("\n", events.stream().map(EventRecord::json).toList()));
        ps.setTimestamp(8, Timestamp.from(last.at()));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
