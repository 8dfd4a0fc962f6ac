package io.crux.ee.bench.server;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import javax.naming.InitialContext;
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
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;

/**
 * The in-server durable-step benchmark.
 *
 * <p>{@code GET /bench/durable?steps=N&rounds=R} times R runs of {@link BenchFlow} with N steps
 * (R·N durable steps, each one INSERT and one commit through crux-ee's {@code JpaFlowStore}), R
 * runs with 0 steps (the run's own writes: the run row at start and its update at the end, plus the
 * hand-off to the managed executor), and R·N bare JDBC inserts of the same JSON payload into a table
 * of their own, each with its own commit, through the same DataSource. The three alternate in
 * batches (in ABC, CBA order) so that noise on the machine hits all of them alike; a warm-up of the
 * same shape runs first. The durable step's cost is (N-step runs − 0-step runs) / (R·N).
 *
 * <p>{@code GET /bench/parts} breaks the cost of a durable step down (JNDI look-up of the
 * UserTransaction, JSON-B encoding, an empty JTA transaction, {@code FlowStore.saveCheckpoint} alone,
 * a non-durable step) to show where the time goes.
 *
 * <p>Requests are served one at a time. Times are in microseconds.
 */
@Path("bench")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class DurableStepBenchmark {

    /** The bare inserts' own table (in the data source's current schema). */
    static final String TABLE = "BENCH_BARE_INSERT";
    static final String INSERT = "INSERT INTO " + TABLE + " (ID, PAYLOAD) VALUES (?, ?)";
    static final double TARGET_RATIO = 1.5;

    @Inject
    @Flow("bench-durable")
    FlowHandle<Integer, Integer> durableFlow;

    @Inject
    @Flow("bench-transient")
    FlowHandle<Integer, Integer> transientFlow;

    @Inject
    FlowStore store;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService managedExecutor;

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();
    private volatile boolean tableReady;

    // ---------------------------------------------------------------- durable step vs bare insert

    @GET
    @Path("durable")
    public synchronized Map<String, Object> durable(
            @QueryParam("steps") @DefaultValue("10") int steps,
            @QueryParam("rounds") @DefaultValue("200") int rounds,
            @QueryParam("batch") @DefaultValue("10") int batch,
            @QueryParam("warmup") @DefaultValue("100") int warmup,
            @QueryParam("bare") @DefaultValue("commit") String bare) throws Exception {
        if (steps < 1 || rounds < 1 || batch < 1 || warmup < 0) {
            throw badRequest("steps, rounds and batch must be at least 1, warmup at least 0");
        }
        boolean autocommit = switch (bare) {
            case "commit" -> false;
            case "autocommit" -> true;
            default -> throw badRequest("bare must be 'commit' (setAutoCommit(false), INSERT, commit()) or 'autocommit'");
        };
        ensureTable();
        String json = payloadJson();
        long started = System.nanoTime();

        // warm-up: the same interleaved pattern, thrown away
        for (int done = 0; done < warmup; done += batch) {
            int n = Math.min(batch, warmup - done);
            timeFlows(durableFlow, n, steps);
            timeBare(n * steps, json, autocommit);
            timeFlows(durableFlow, n, 0);
        }

        int batches = Math.max(1, rounds / batch);
        long[] flowNs = new long[batches];
        long[] zeroNs = new long[batches];
        long[] bareNs = new long[batches];
        for (int b = 0; b < batches; b++) {
            if (b % 2 == 0) {
                flowNs[b] = timeFlows(durableFlow, batch, steps);
                bareNs[b] = timeBare(batch * steps, json, autocommit);
                zeroNs[b] = timeFlows(durableFlow, batch, 0);
            } else {
                zeroNs[b] = timeFlows(durableFlow, batch, 0);
                bareNs[b] = timeBare(batch * steps, json, autocommit);
                flowNs[b] = timeFlows(durableFlow, batch, steps);
            }
        }
        int runs = batches * batch;
        long durableSteps = (long) runs * steps;
        double flowTotal = Arrays.stream(flowNs).sum();
        double zeroTotal = Arrays.stream(zeroNs).sum();
        double bareTotal = Arrays.stream(bareNs).sum();

        double stepUs = (flowTotal - zeroTotal) / durableSteps / 1000.0;
        double grossUs = flowTotal / durableSteps / 1000.0;
        double bareUs = bareTotal / durableSteps / 1000.0;
        double[] batchStep = new double[batches];
        double[] batchBare = new double[batches];
        double[] batchRatio = new double[batches];
        for (int b = 0; b < batches; b++) {
            batchStep[b] = (flowNs[b] - zeroNs[b]) / (double) (batch * steps) / 1000.0;
            batchBare[b] = bareNs[b] / (double) (batch * steps) / 1000.0;
            batchRatio[b] = batchStep[b] / batchBare[b];
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "durable step (JpaFlowStore checkpoint) vs bare JDBC insert + commit, same DataSource");
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.putAll(environment());
        out.put("steps", steps);
        out.put("rounds", runs);
        out.put("batch", batch);
        out.put("warmupRounds", warmup);
        out.put("bareMode", autocommit ? "autocommit (INSERT only)" : "commit (setAutoCommit(false), INSERT, commit())");
        out.put("payloadBytes", json.length());
        out.put("durableSteps", durableSteps);
        out.put("bareInserts", durableSteps);
        out.put("meanUsPerDurableStep", round(stepUs));
        out.put("meanUsPerBareInsertCommit", round(bareUs));
        out.put("ratio", round(stepUs / bareUs));
        out.put("target", "ratio <= " + TARGET_RATIO);
        out.put("targetMet", stepUs / bareUs <= TARGET_RATIO);
        out.put("meanUsPerDurableStepGross", round(grossUs));
        out.put("ratioGross", round(grossUs / bareUs));
        out.put("meanUsPerRunWrites", round(zeroTotal / runs / 1000.0));
        out.put("medianOfBatches", Map.of(
                "usPerDurableStep", round(median(batchStep)),
                "usPerBareInsertCommit", round(median(batchBare)),
                "ratio", round(median(batchRatio))));
        out.put("notes", "meanUsPerDurableStep = (time of N-step runs - time of 0-step runs) / (rounds*steps); "
                + "meanUsPerDurableStepGross = time of N-step runs / (rounds*steps), i.e. with the run row written at "
                + "start and updated at the end and the hand-off to the managed executor; meanUsPerRunWrites = one 0-step "
                + "run (those writes and that hand-off)");
        out.put("elapsedSeconds", round((System.nanoTime() - started) / 1e9));
        return out;
    }

    private static long timeFlows(FlowHandle<Integer, Integer> flow, int runs, int steps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            FlowResult<Integer> r = flow.run(steps);
            if (!(r instanceof FlowResult.Completed<Integer> c) || c.output() != steps) {
                throw new IllegalStateException("unexpected result " + r);
            }
        }
        return System.nanoTime() - t0;
    }

    private long timeBare(int inserts, String json, boolean autocommit) throws SQLException {
        String prefix = UUID.randomUUID() + ":";
        long t0 = System.nanoTime();
        for (int i = 0; i < inserts; i++) {
            bareInsert(prefix + i, json, autocommit);
        }
        return System.nanoTime() - t0;
    }

    /** One bare insert: a pooled connection, one INSERT, one commit. */
    private void bareInsert(String id, String json, boolean autocommit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!autocommit) {
                c.setAutoCommit(false);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, id);
                ps.setString(2, json);
                ps.executeUpdate();
            }
            if (!autocommit) {
                c.commit();
            }
        }
    }

    // ---------------------------------------------------------------- where the time goes

    @GET
    @Path("parts")
    public synchronized Map<String, Object> parts(
            @QueryParam("count") @DefaultValue("5000") int count,
            @QueryParam("dbCount") @DefaultValue("1000") int dbCount,
            @QueryParam("steps") @DefaultValue("10") int steps) throws Exception {
        if (count < 1 || dbCount < 10 || steps < 1) {
            throw badRequest("count must be at least 1, dbCount at least 10, steps at least 1");
        }
        ensureTable();
        String json = payloadJson();
        BenchPayload payload = BenchPayload.of(UUID.randomUUID().toString(), 3);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "parts of a durable step");
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.putAll(environment());
        out.put("count", count);
        out.put("dbCount", dbCount);

        // warm-up of everything below
        for (int i = 0; i < 2; i++) {
            lookups(count);
            onManagedThread(() -> lookups(count));
            encode(payload, count);
            emptyTransactions(count);
            storeVsBare(dbCount / 5, json);
            onManagedThread(() -> storeVsBare(dbCount / 5, json));
            transientStep(Math.max(1, dbCount / 50), steps);
        }

        out.put("newInitialContextUs", round(lookups(count)[0]));
        out.put("lookupUserTransactionUs", round(lookups(count)[1]));
        out.put("lookupUserTransactionOnManagedThreadUs", round(onManagedThread(() -> lookups(count))[1]));
        out.put("jsonbEncodeUs", round(encode(payload, count)));
        out.put("emptyUserTransactionUs", round(emptyTransactions(count)));
        double[] sb = storeVsBare(dbCount, json);
        out.put("storeSaveCheckpointUs", round(sb[0]));
        out.put("bareInsertCommitUs", round(sb[1]));
        out.put("storeOverBareUs", round(sb[0] - sb[1]));
        out.put("storeRatio", round(sb[0] / sb[1]));
        double[] mt = onManagedThread(() -> storeVsBare(dbCount, json));
        out.put("storeSaveCheckpointOnManagedThreadUs", round(mt[0]));
        out.put("bareInsertCommitOnManagedThreadUs", round(mt[1]));
        out.put("storeRatioOnManagedThread", round(mt[0] / mt[1]));
        out.put("nonDurableStepUs", round(transientStep(Math.max(1, dbCount / 10), steps)));
        out.put("notes", "lookupUserTransactionUs = new InitialContext().lookup(\"java:comp/UserTransaction\"), what "
                + "JpaFlowStore does on every write; emptyUserTransactionUs = begin()+commit() with no resource; "
                + "storeSaveCheckpointUs = FlowStore.saveCheckpoint alone (JNDI, JTA, EclipseLink, JSON-B, INSERT, commit), "
                + "interleaved with bareInsertCommitUs; nonDurableStepUs = one step of a durable=false flow "
                + "((N-step run - 0-step run) / N): the engine and tracer in the server without the store");
        return out;
    }

    /** @return µs per {@code new InitialContext()} and per {@code new InitialContext().lookup(UserTransaction)} */
    private static double[] lookups(int count) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            new InitialContext();
        }
        long t1 = System.nanoTime();
        Object last = null;
        for (int i = 0; i < count; i++) {
            last = new InitialContext().lookup("java:comp/UserTransaction");
        }
        long t2 = System.nanoTime();
        if (!(last instanceof UserTransaction)) {
            throw new IllegalStateException("java:comp/UserTransaction is " + last);
        }
        return new double[] {(t1 - t0) / 1000.0 / count, (t2 - t1) / 1000.0 / count};
    }

    private <T> T onManagedThread(Callable<T> work) throws Exception {
        return managedExecutor.submit(work).get();
    }

    private double encode(BenchPayload payload, int count) {
        long t0 = System.nanoTime();
        int bytes = 0;
        for (int i = 0; i < count; i++) {
            bytes += codec.encode(payload).json().length();
        }
        long t1 = System.nanoTime();
        if (bytes == 0) {
            throw new IllegalStateException();
        }
        return (t1 - t0) / 1000.0 / count;
    }

    private static double emptyTransactions(int count) throws Exception {
        UserTransaction tx = (UserTransaction) new InitialContext().lookup("java:comp/UserTransaction");
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            tx.begin();
            tx.commit();
        }
        return (System.nanoTime() - t0) / 1000.0 / count;
    }

    /** @return µs per FlowStore.saveCheckpoint and per bare insert + commit, alternating in batches of 10 */
    private double[] storeVsBare(int count, String json) throws SQLException {
        long storeNs = 0;
        long bareNs = 0;
        int done = 0;
        for (int b = 0; done < count; b++) {
            int n = Math.min(10, count - done);
            String flowId = UUID.randomUUID().toString();
            long s;
            long k;
            if (b % 2 == 0) {
                s = timeStore(flowId, n);
                k = timeBare(n, json, false);
            } else {
                k = timeBare(n, json, false);
                s = timeStore(flowId, n);
            }
            storeNs += s;
            bareNs += k;
            done += n;
        }
        return new double[] {storeNs / 1000.0 / count, bareNs / 1000.0 / count};
    }

    private long timeStore(String flowId, int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            store.saveCheckpoint(new CheckpointRecord(flowId, i, BenchFlow.LABEL, CheckpointKind.STEP,
                    BenchPayload.of(flowId, i), null, 1, false, Instant.now()));
        }
        return System.nanoTime() - t0;
    }

    private double transientStep(int runs, int steps) {
        long withSteps = 0;
        long without = 0;
        for (int r = 0; r < runs; r++) {
            withSteps += timeFlows(transientFlow, 1, steps);
            without += timeFlows(transientFlow, 1, 0);
        }
        return (withSteps - without) / 1000.0 / ((long) runs * steps);
    }

    // ---------------------------------------------------------------- helpers

    private String payloadJson() {
        return codec.encode(BenchPayload.of(UUID.randomUUID().toString(), 3)).json();
    }

    private void ensureTable() throws SQLException {
        if (tableReady) {
            return;
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (ID VARCHAR(140) NOT NULL PRIMARY KEY, PAYLOAD TEXT)");
        }
        tableReady = true;
    }

    private Map<String, Object> environment() throws SQLException {
        Map<String, Object> env = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData md = c.getMetaData();
            env.put("database", md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
            env.put("driver", md.getDriverName() + " " + md.getDriverVersion());
            env.put("schema", c.getSchema());
        }
        env.put("cpus", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("telemetryEnabled", System.getenv().getOrDefault("CRUX_TELEMETRY_ENABLED", "true (default)"));
        return env;
    }

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(message,
                Response.status(Response.Status.BAD_REQUEST).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
