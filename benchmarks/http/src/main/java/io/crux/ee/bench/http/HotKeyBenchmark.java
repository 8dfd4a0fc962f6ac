package io.crux.ee.bench.http;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.UserTransaction;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.RunOptions;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;
import io.crux.ee.spi.StateChange;

/**
 * The hot-key state benchmark, run inside the server.
 *
 * <p>{@code GET /api/bench/hotkey?clients=C&ops=M} runs C tasks on
 * {@code java:comp/DefaultManagedExecutorService}, released together, each making M increments of
 * one key, for each variant:
 * <ul>
 * <li>{@code crux}: {@code SessionStore.changeState("session", key, new StateChange.Increment("n", 1))}
 * on crux-ee's store bean: exactly what {@code flow.session().inc("n", 1)} does, without a run
 * around it (JpaSessionStore on PostgreSQL: a JTA transaction with one
 * {@code INSERT ... ON CONFLICT DO UPDATE ... RETURNING} on the JSON document; on H2 the
 * lock-and-rewrite path below);
 * <li>{@code atomic}: {@code UPDATE BENCH_COUNTER SET N = N + 1 WHERE ID = ?} with autocommit on a
 * pooled connection of {@code java:comp/DefaultDataSource}, the same pool.
 * </ul>
 * Diagnostic variants ({@code variants=crux,atomic,jdbc-rmw,jta-rmw,sql-inc,flow}), all on crux-ee's
 * own CRUX_STATE row format:
 * <ul>
 * <li>{@code crux-rmw}: {@code SessionStore.updateState("session", key, doc -> n + 1)}, crux-ee's
 * lock-and-rewrite path, which {@code atomic(fn)} uses (a JTA transaction,
 * {@code SELECT ... FOR UPDATE} of the document's row through EclipseLink, JSON-B parse, change,
 * JSON-B encode, {@code UPDATE} with its version, commit);
 * <li>{@code jdbc-rmw}: the lock-and-rewrite algorithm by hand on plain JDBC: {@code setAutoCommit(false)},
 * {@code SELECT DOC ... FOR UPDATE}, JSON-B parse and encode with crux's codec,
 * {@code UPDATE ... DOC, VERSION + 1}, {@code commit()}: no JTA, no JPA;
 * <li>{@code jta-rmw}: the same inside a {@code UserTransaction} (the connection enlisted): no JPA;
 * <li>{@code sql-inc} (PostgreSQL): the increment pushed down into one statement,
 * {@code UPDATE CRUX_STATE SET DOC = jsonb_set(DOC::jsonb, ...)::text ... RETURNING}, autocommit;
 * <li>{@code flow}: {@code bench-state/inc} runs through {@code FlowHandle.run} in one session (one
 * state update per run, plus the run's own rows), {@code flowOps} per client.
 * </ul>
 * Each variant gets a fresh key per round, created with n = 0 before the clients start. After a
 * warm-up, the variants alternate ({@code rounds} times, in forward then reverse order). After
 * every round the final count is read back: {@code lost} = C·M − count. Where an update returns
 * the new value it is checked too: {@code duplicates} counts values returned twice (two updates
 * that saw the same document).
 *
 * <p>Requests are served one at a time. Rates are operations per second of wall time.
 */
@Path("bench")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class HotKeyBenchmark {

    static final String TABLE = "BENCH_COUNTER";
    static final double TARGET_RATIO = 0.8;

    @Inject
    SessionStore store;

    @Inject
    @Flow(value = "bench-state", action = "inc")
    FlowHandle<Map<String, Object>, Long> incFlow;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @Resource(lookup = "java:comp/UserTransaction")
    UserTransaction userTransaction;

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();
    private volatile boolean tableReady;
    private volatile boolean postgres;

    @GET
    @Path("hotkey")
    public synchronized Map<String, Object> hotkey(
            @QueryParam("clients") @DefaultValue("8") int clients,
            @QueryParam("ops") @DefaultValue("250") int ops,
            @QueryParam("rounds") @DefaultValue("3") int rounds,
            @QueryParam("warmup") @DefaultValue("400") int warmup,
            @QueryParam("variants") @DefaultValue("crux,atomic") String variantList,
            @QueryParam("flowOps") @DefaultValue("20") int flowOps)
            throws Exception {
        if (clients < 1 || clients > 256 || ops < 1 || rounds < 1 || warmup < 0 || flowOps < 1) {
            throw badRequest("clients 1..256, ops >= 1, rounds >= 1, warmup >= 0, flowOps >= 1");
        }
        List<Variant> variants = new ArrayList<>();
        for (String v : variantList.split(",")) {
            variants.add(Variant.of(v.trim()));
        }
        if (!variants.contains(Variant.CRUX) || !variants.contains(Variant.ATOMIC)) {
            throw badRequest("variants must include crux and atomic");
        }
        ensureTable();
        if (!postgres) {
            variants.remove(Variant.SQL_INC);
        }
        long started = System.nanoTime();
        if (warmup > 0) {
            int w = Math.max(1, warmup / clients);
            for (Variant v : variants) {
                run(v, clients, v == Variant.FLOW ? Math.min(w, flowOps) : w);
            }
        }
        Map<Variant, List<Result>> results = new LinkedHashMap<>();
        variants.forEach(v -> results.put(v, new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            List<Variant> order = new ArrayList<>(variants);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (Variant v : order) {
                results.get(v).add(run(v, clients, v == Variant.FLOW ? flowOps : ops));
            }
        }

        List<Result> crux = results.get(Variant.CRUX);
        List<Result> atomic = results.get(Variant.ATOMIC);
        double atomicRate = rate(atomic);
        double cruxRate = rate(crux);
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = crux.get(r).rate() / atomic.get(r).rate();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "hot key: SessionStore.updateState (crux) vs UPDATE ... SET N = N + 1 (atomic), one key");
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.putAll(environment());
        out.put("clients", clients);
        out.put("opsPerClient", ops);
        out.put("rounds", rounds);
        out.put("warmupOps", warmup);
        for (var e : results.entrySet()) {
            Map<String, Object> s = summary(e.getValue());
            if (e.getKey() == Variant.FLOW) {
                s.put("opsPerClient", flowOps);
            }
            if (e.getKey() != Variant.ATOMIC) {
                s.put("ratioToAtomic", round(rate(e.getValue()) / atomicRate));
            }
            out.put(e.getKey().label, s);
        }
        out.put("ratio", round(cruxRate / atomicRate));
        out.put("medianRoundRatio", round(median(ratios)));
        out.put("roundRatios", Arrays.stream(ratios).map(HotKeyBenchmark::round).toArray());
        out.put("target", "crux/atomic >= " + TARGET_RATIO + " at 8 clients, no lost update");
        int lost = results.values().stream()
                .flatMap(List::stream)
                .mapToInt(Result::lost)
                .sum();
        int duplicates = results.values().stream()
                .flatMap(List::stream)
                .mapToInt(Result::duplicates)
                .sum();
        out.put("lostUpdates", lost);
        out.put("duplicateValues", duplicates);
        out.put("targetMet", lost == 0 && duplicates == 0 && cruxRate / atomicRate >= TARGET_RATIO);
        out.put("parts", parts(Math.max(200, Math.min(2000, ops * clients))));
        out.put("elapsedSeconds", round((System.nanoTime() - started) / 1e9));
        return out;
    }

    // ---------------------------------------------------------------- one round

    enum Variant {
        CRUX("crux"),
        CRUX_RMW("crux-rmw"),
        ATOMIC("atomic"),
        JDBC_RMW("jdbc-rmw"),
        JTA_RMW("jta-rmw"),
        SQL_INC("sql-inc"),
        FLOW("flow");

        final String label;

        Variant(String label) {
            this.label = label;
        }

        static Variant of(String label) {
            for (Variant v : values()) {
                if (v.label.equals(label)) {
                    return v;
                }
            }
            throw badRequest("unknown variant '" + label + "'");
        }
    }

    /** One round of one variant. */
    record Result(
            Variant variant,
            int ops,
            long wallNs,
            long cpuNs,
            int lost,
            int duplicates,
            long[] latencies,
            long startWaitNs,
            int maxConcurrent) {
        double rate() {
            return ops / (wallNs / 1e9);
        }
    }

    private Result run(Variant variant, int clients, int ops) throws Exception {
        String key = UUID.randomUUID().toString();
        int total = clients * ops;
        AtomicIntegerArray seen = new AtomicIntegerArray(total + 2);
        AtomicInteger duplicates = new AtomicInteger();
        if (variant == Variant.ATOMIC) {
            insertCounter(key);
        } else {
            if (variant == Variant.FLOW) {
                store.createSession(new SessionRecord(key, "bench-state", null, Instant.now(), Instant.now()));
            }
            store.updateState("session", key, doc -> doc.put("n", 0L)); // the row exists before the clients start
        }
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
        long[][] latencies = new long[clients][ops];
        List<Future<?>> tasks = new ArrayList<>();
        long submitted = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            long[] mine = latencies[c];
            tasks.add(executor.submit(() -> {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                ready.countDown();
                go.await();
                long cpu0 = cpuNow();
                try {
                    for (int i = 0; i < ops; i++) {
                        long t0 = System.nanoTime();
                        long value = increment(variant, key);
                        mine[i] = System.nanoTime() - t0;
                        if (value > 0 && value <= total + 1 && seen.getAndIncrement((int) value) > 0) {
                            duplicates.incrementAndGet();
                        }
                    }
                } finally {
                    cpu.addAndGet(cpuNow() - cpu0);
                    active.decrementAndGet();
                }
                return null;
            }));
        }
        if (!ready.await(120, TimeUnit.SECONDS)) {
            go.countDown();
            throw new IllegalStateException("the managed executor started only " + (clients - ready.getCount()) + " of "
                    + clients + " tasks in 120 s");
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : tasks) {
            f.get();
        }
        long wall = System.nanoTime() - t0;
        long count = variant == Variant.ATOMIC
                ? readCounter(key)
                : ((Number) store.readState("session", key).getOrDefault("n", -1)).longValue();
        long[] all =
                Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(
                variant,
                total,
                wall,
                cpu.get(),
                (int) (total - count),
                duplicates.get(),
                all,
                t0 - submitted,
                maxActive.get());
    }

    private long increment(Variant variant, String key) throws Exception {
        return switch (variant) {
            case CRUX -> cruxInc(key);
            case CRUX_RMW -> cruxRmwInc(key);
            case ATOMIC -> atomicInc(key);
            case JDBC_RMW -> jdbcRmw(key, false);
            case JTA_RMW -> jdbcRmw(key, true);
            case SQL_INC -> sqlInc(key);
            case FLOW -> flowInc(key);
        };
    }

    /** What {@code flow.session().inc("n", 1)} does (StoredState.inc), on the store directly. */
    private long cruxInc(String key) {
        return store.changeState("session", key, new StateChange.Increment("n", 1));
    }

    /** The lock-and-rewrite path that {@code atomic(fn)} takes, with an increment as the change. */
    private long cruxRmwInc(String key) {
        return store.updateState("session", key, doc -> {
            Object current = doc.get("n");
            long next = (current == null ? 0 : ((Number) current).longValue()) + 1;
            doc.put("n", next);
            return next;
        });
    }

    private long atomicInc(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE + " SET N = N + 1 WHERE ID = ?")) {
            ps.setString(1, key);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no counter row " + key);
            }
        }
        return 0; // the bare update returns no value; only the final count is checked
    }

    /** JpaSessionStore.updateState's algorithm on plain JDBC, with or without a JTA transaction around it. */
    @SuppressWarnings("unchecked")
    private long jdbcRmw(String key, boolean jta) throws Exception {
        if (jta) {
            userTransaction.begin();
        }
        boolean done = false;
        try (Connection c = dataSource.getConnection()) {
            if (!jta) {
                c.setAutoCommit(false);
            }
            String doc;
            try (PreparedStatement ps = c.prepareStatement("SELECT DOC FROM CRUX_STATE WHERE ID = ? FOR UPDATE")) {
                ps.setString(1, "session:" + key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no state row " + key);
                    }
                    doc = rs.getString(1);
                }
            }
            Map<String, Object> map = new java.util.HashMap<>((Map<String, Object>) codec.convert(doc, Map.class));
            Object current = map.get("n");
            long next = (current == null ? 0 : ((Number) current).longValue()) + 1;
            map.put("n", next);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE CRUX_STATE SET DOC = ?, UPDATED_AT = ?, VERSION = VERSION + 1 WHERE ID = ?")) {
                ps.setString(1, codec.encode(map).json());
                ps.setTimestamp(2, Timestamp.from(Instant.now()));
                ps.setString(3, "session:" + key);
                ps.executeUpdate();
            }
            if (!jta) {
                c.commit();
            }
            done = true;
            return next;
        } finally {
            if (jta) {
                if (done) {
                    userTransaction.commit();
                } else {
                    userTransaction.rollback();
                }
            }
        }
    }

    /** The increment as one statement on crux's own row (PostgreSQL jsonb), autocommit. */
    private long sqlInc(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE CRUX_STATE SET DOC = jsonb_set(DOC::jsonb, '{n}', "
                        + "to_jsonb(COALESCE((DOC::jsonb->>'n')::bigint, 0) + 1))::text, UPDATED_AT = ?, VERSION = VERSION + 1 "
                        + "WHERE ID = ? RETURNING (DOC::jsonb->>'n')::bigint")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now()));
            ps.setString(2, "session:" + key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no state row " + key);
                }
                return rs.getLong(1);
            }
        }
    }

    private long flowInc(String session) {
        FlowResult<Long> r = incFlow.run(Map.of(), RunOptions.defaults().withSessionId(session));
        if (!(r instanceof FlowResult.Completed<Long> c)) {
            throw new IllegalStateException("unexpected result " + r);
        }
        return ((Number) c.output()).longValue();
    }

    // ---------------------------------------------------------------- parts of one update, one thread

    /** Single-threaded costs, on a managed thread: what an update is made of. */
    private Map<String, Object> parts(int count) throws Exception {
        return executor.submit(() -> {
                    String doc = "{\"n\":123456}";
                    Map<String, Object> p = new LinkedHashMap<>();
                    for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                        long t0 = System.nanoTime();
                        for (int i = 0; i < count; i++) {
                            userTransaction.begin();
                            userTransaction.commit();
                        }
                        long t1 = System.nanoTime();
                        int bytes = 0;
                        for (int i = 0; i < count; i++) {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> m =
                                    new java.util.HashMap<>((Map<String, Object>) codec.convert(doc, Map.class));
                            m.put("n", ((Number) m.get("n")).longValue() + 1);
                            bytes += codec.encode(m).json().length();
                        }
                        long t2 = System.nanoTime();
                        String key = UUID.randomUUID().toString();
                        store.updateState("session", key, d -> d.put("n", 0L));
                        long t3 = System.nanoTime();
                        for (int i = 0; i < count; i++) {
                            store.readState("session", key);
                        }
                        long t4 = System.nanoTime();
                        if (bytes == 0) {
                            throw new IllegalStateException();
                        }
                        p.put("count", count);
                        p.put("emptyUserTransactionUs", round((t1 - t0) / 1e3 / count));
                        p.put("jsonbParseAndEncodeUs", round((t2 - t1) / 1e3 / count));
                        p.put("storeReadStateUs", round((t4 - t3) / 1e3 / count));
                    }
                    p.put(
                            "notes",
                            "one managed thread, no contention: emptyUserTransactionUs = UserTransaction begin()+commit() "
                                    + "with no resource; jsonbParseAndEncodeUs = what JpaSessionStore does to the document per update "
                                    + "(JSON-B parse to a Map, change, encode); storeReadStateUs = SessionStore.readState of one document "
                                    + "over and over on one managed task (EclipseLink find, no lock, no transaction): after the first read "
                                    + "it is served from the task's persistence context without a query, see /api/bench/stale-read");
                    return p;
                })
                .get();
    }

    // ---------------------------------------------------------------- the counter table

    private void ensureTable() throws SQLException {
        if (tableReady) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                    + " (ID VARCHAR(64) NOT NULL PRIMARY KEY, N BIGINT NOT NULL)");
            postgres = c.getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("postgres");
        }
        tableReady = true;
    }

    private void insertCounter(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (ID, N) VALUES (?, 0)")) {
            ps.setString(1, key);
            ps.executeUpdate();
        }
    }

    private long readCounter(String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT N FROM " + TABLE + " WHERE ID = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    // ---------------------------------------------------------------- summaries

    /** The current thread's CPU time (Java side only: the database's work is not in it). */
    private static long cpuNow() {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0L;
    }

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(
                Response.status(400).type(MediaType.TEXT_PLAIN).entity(message).build());
    }

    private static double rate(List<Result> results) {
        long ops = results.stream().mapToLong(Result::ops).sum();
        long ns = results.stream().mapToLong(Result::wallNs).sum();
        return ops / (ns / 1e9);
    }

    private static Map<String, Object> summary(List<Result> results) {
        long[] all = results.stream()
                .flatMapToLong(r -> Arrays.stream(r.latencies()))
                .sorted()
                .toArray();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("opsPerSecond", round(rate(results)));
        s.put(
                "roundOpsPerSecond",
                results.stream().mapToDouble(r -> round(r.rate())).toArray());
        s.put("ops", results.stream().mapToLong(Result::ops).sum());
        s.put("lost", results.stream().mapToInt(Result::lost).sum());
        s.put("duplicates", results.stream().mapToInt(Result::duplicates).sum());
        s.put(
                "cpuUsPerOp",
                round(results.stream().mapToLong(Result::cpuNs).sum()
                        / 1e3
                        / results.stream().mapToLong(Result::ops).sum()));
        s.put("p50Ms", round(percentile(all, 0.50) / 1e6));
        s.put("p99Ms", round(percentile(all, 0.99) / 1e6));
        s.put("maxMs", round(all[all.length - 1] / 1e6));
        s.put(
                "maxConcurrentTasks",
                results.stream().mapToInt(Result::maxConcurrent).min().orElse(0));
        s.put(
                "taskStartMs",
                results.stream().mapToDouble(r -> round(r.startWaitNs() / 1e6)).toArray());
        return s;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private Map<String, Object> environment() throws SQLException {
        Map<String, Object> env = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            env.put("database", md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
            env.put("driver", md.getDriverName() + " " + md.getDriverVersion());
            env.put("schema", c.getSchema());
            if (md.getDatabaseProductName().toLowerCase().contains("postgres")) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery(
                                "select current_setting('synchronous_commit'), current_setting('fsync')")) {
                    if (rs.next()) {
                        env.put("synchronousCommit", rs.getString(1));
                        env.put("fsync", rs.getString(2));
                    }
                }
            }
        }
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return env;
    }
}
