package io.crux.ee.bench.server;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
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
import io.crux.ee.codec.JsonbPayloadCodec;
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
 * same shape runs first. The durable step's cost is the time of the steps measured inside the flow
 * bodies (see {@link BenchFlow}) / (R·N); (N-step runs − 0-step runs) / (R·N), measured by the caller,
 * is reported as a cross-check. Wall-clock and thread CPU time are both reported.
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
            @QueryParam("rounds") @DefaultValue("1000") int rounds,
            @QueryParam("batch") @DefaultValue("10") int batch,
            @QueryParam("warmup") @DefaultValue("1000") int warmup,
            @QueryParam("bare") @DefaultValue("commit") String bare)
            throws Exception {
        if (steps < 1 || rounds < 1 || batch < 1 || warmup < 0) {
            throw badRequest("steps, rounds and batch must be at least 1, warmup at least 0");
        }
        boolean autocommit = switch (bare) {
            case "commit" -> false;
            case "autocommit" -> true;
            default ->
                throw badRequest("bare must be 'commit' (setAutoCommit(false), INSERT, commit()) or 'autocommit'");
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
        long[] flowNs = new long[batches]; // wall time of the N-step runs, seen by the caller
        long[] zeroNs = new long[batches]; // wall time of the 0-step runs, seen by the caller
        long[][] stepNs = new long[batches][]; // wall and CPU time of the steps, inside the flow bodies
        long[][] bareNs = new long[batches][]; // wall and CPU time of the bare inserts
        BenchFlow.METER.take();
        for (int b = 0; b < batches; b++) {
            if (b % 2 == 0) {
                flowNs[b] = timeFlows(durableFlow, batch, steps);
                stepNs[b] = BenchFlow.METER.take();
                bareNs[b] = timeBare(batch * steps, json, autocommit);
                zeroNs[b] = timeFlows(durableFlow, batch, 0);
            } else {
                zeroNs[b] = timeFlows(durableFlow, batch, 0);
                bareNs[b] = timeBare(batch * steps, json, autocommit);
                flowNs[b] = timeFlows(durableFlow, batch, steps);
                stepNs[b] = BenchFlow.METER.take();
            }
        }
        int runs = batches * batch;
        long n = (long) runs * steps;
        double stepUs = sum(stepNs, 0) / n / 1000.0;
        double stepCpuUs = sum(stepNs, 1) / n / 1000.0;
        double bareUs = sum(bareNs, 0) / n / 1000.0;
        double bareCpuUs = sum(bareNs, 1) / n / 1000.0;
        double flowTotal = Arrays.stream(flowNs).sum();
        double zeroTotal = Arrays.stream(zeroNs).sum();
        double byDifferenceUs = (flowTotal - zeroTotal) / n / 1000.0;
        double grossUs = flowTotal / n / 1000.0;

        double[] batchRatio = new double[batches];
        double[] batchStep = new double[batches];
        double[] batchBare = new double[batches];
        for (int b = 0; b < batches; b++) {
            batchStep[b] = stepNs[b][0] / (double) (batch * steps) / 1000.0;
            batchBare[b] = bareNs[b][0] / (double) (batch * steps) / 1000.0;
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
        out.put(
                "bareMode",
                autocommit ? "autocommit (INSERT only)" : "commit (setAutoCommit(false), INSERT, commit())");
        out.put("payloadBytes", json.length());
        out.put("durableSteps", n);
        out.put("bareInserts", n);
        out.put("meanUsPerDurableStep", round(stepUs));
        out.put("meanUsPerBareInsertCommit", round(bareUs));
        out.put("ratio", round(stepUs / bareUs));
        out.put("target", "ratio <= " + TARGET_RATIO);
        out.put("targetMet", stepUs / bareUs <= TARGET_RATIO);
        out.put(
                "medianOfBatches",
                ordered(
                        "usPerDurableStep", round(median(batchStep)),
                        "usPerBareInsertCommit", round(median(batchBare)),
                        "ratio", round(median(batchRatio))));
        out.put(
                "cpu",
                ordered(
                        "usPerDurableStep", round(stepCpuUs),
                        "usPerBareInsertCommit", round(bareCpuUs),
                        "ratio", round(stepCpuUs / bareCpuUs)));
        out.put(
                "crossCheck",
                ordered(
                        "usPerDurableStepByRunDifference", round(byDifferenceUs),
                        "ratioByRunDifference", round(byDifferenceUs / bareUs),
                        "usPerDurableStepGross", round(grossUs),
                        "ratioGross", round(grossUs / bareUs),
                        "usPerRunWrites", round(zeroTotal / runs / 1000.0)));
        out.put(
                "notes",
                "meanUsPerDurableStep: wall time of the steps measured inside the flow body (from before the "
                        + "first step to after the last, on the managed thread that runs them) / (rounds*steps); "
                        + "meanUsPerBareInsertCommit: wall time of the bare inserts / (rounds*steps); cpu: the same as thread CPU "
                        + "time (Java side only); crossCheck.usPerDurableStepByRunDifference = (caller's time of N-step runs - "
                        + "caller's time of 0-step runs) / (rounds*steps); usPerDurableStepGross = caller's time of N-step runs / "
                        + "(rounds*steps), i.e. with the run row written at start and updated at the end and the hand-off to the "
                        + "managed executor; usPerRunWrites = one 0-step run (those writes and that hand-off)");
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

    /** @return {wall ns, cpu ns} of {@code inserts} bare inserts */
    private long[] timeBare(int inserts, String json, boolean autocommit) throws SQLException {
        String prefix = UUID.randomUUID() + ":";
        long c0 = Meter.cpuNow();
        long t0 = System.nanoTime();
        for (int i = 0; i < inserts; i++) {
            BareInsert.insert(dataSource, prefix + i, json, autocommit);
        }
        long t1 = System.nanoTime();
        return new long[] {t1 - t0, Meter.cpuNow() - c0};
    }

    // ---------------------------------------------------------------- where the time goes

    @GET
    @Path("parts")
    public synchronized Map<String, Object> parts(
            @QueryParam("count") @DefaultValue("5000") int count,
            @QueryParam("dbCount") @DefaultValue("1000") int dbCount,
            @QueryParam("steps") @DefaultValue("10") int steps)
            throws Exception {
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
            transientStep(Math.max(1, count / 10), steps);
        }

        double[] lk = lookups(count);
        out.put("newInitialContextUs", round(lk[0]));
        out.put("lookupUserTransactionUs", round(lk[1]));
        out.put("lookupUserTransactionOnManagedThreadUs", round(onManagedThread(() -> lookups(count))[1]));
        out.put("jsonbEncodeUs", round(encode(payload, count)));
        out.put("emptyUserTransactionUs", round(emptyTransactions(count)));
        double[] sb = storeVsBare(dbCount, json);
        out.put("storeSaveCheckpoint", ordered("us", round(sb[0]), "cpuUs", round(sb[1])));
        out.put("bareInsertCommit", ordered("us", round(sb[2]), "cpuUs", round(sb[3])));
        out.put("storeRatio", ordered("wall", round(sb[0] / sb[2]), "cpu", round(sb[1] / sb[3])));
        double[] mt = onManagedThread(() -> storeVsBare(dbCount, json));
        out.put(
                "onManagedThread",
                ordered(
                        "storeSaveCheckpointUs",
                        round(mt[0]),
                        "storeSaveCheckpointCpuUs",
                        round(mt[1]),
                        "bareInsertCommitUs",
                        round(mt[2]),
                        "bareInsertCommitCpuUs",
                        round(mt[3])));
        double[] ns = transientStep(Math.max(1, count / 10), steps);
        out.put("nonDurableStep", ordered("us", round(ns[0]), "cpuUs", round(ns[1])));
        out.put(
                "notes",
                "lookupUserTransactionUs = new InitialContext().lookup(\"java:comp/UserTransaction\"), what "
                        + "JpaFlowStore does on every write; emptyUserTransactionUs = begin()+commit() with no resource; "
                        + "storeSaveCheckpoint = FlowStore.saveCheckpoint alone (JNDI, JTA, EclipseLink, JSON-B, INSERT, commit), "
                        + "alternating in batches of 10 with bareInsertCommit, on the request thread; onManagedThread = the same "
                        + "on a thread of java:comp/DefaultManagedExecutorService (where the engine runs steps); nonDurableStep = "
                        + "one step of a durable=false flow, measured inside the body: the engine and tracer without the store; "
                        + "cpuUs = thread CPU time (Java side only)");
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

    /**
     * @return µs per FlowStore.saveCheckpoint (wall, cpu) and per bare insert + commit (wall, cpu),
     *     alternating in batches of 10
     */
    private double[] storeVsBare(int count, String json) throws SQLException {
        long[] store = new long[2];
        long[] bare = new long[2];
        int done = 0;
        for (int b = 0; done < count; b++) {
            int n = Math.min(10, count - done);
            String flowId = UUID.randomUUID().toString();
            long[] s;
            long[] k;
            if (b % 2 == 0) {
                s = timeStore(flowId, n);
                k = timeBare(n, json, false);
            } else {
                k = timeBare(n, json, false);
                s = timeStore(flowId, n);
            }
            store[0] += s[0];
            store[1] += s[1];
            bare[0] += k[0];
            bare[1] += k[1];
            done += n;
        }
        return new double[] {
            store[0] / 1000.0 / count, store[1] / 1000.0 / count, bare[0] / 1000.0 / count, bare[1] / 1000.0 / count
        };
    }

    private long[] timeStore(String flowId, int n) {
        long c0 = Meter.cpuNow();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            store.saveCheckpoint(new CheckpointRecord(
                    flowId,
                    i,
                    BenchFlow.LABEL,
                    CheckpointKind.STEP,
                    BenchPayload.of(flowId, i),
                    null,
                    1,
                    false,
                    Instant.now()));
        }
        long t1 = System.nanoTime();
        return new long[] {t1 - t0, Meter.cpuNow() - c0};
    }

    /** @return µs (wall, cpu) per step of the non-durable flow, measured inside its body */
    private double[] transientStep(int runs, int steps) {
        BenchFlow.TRANSIENT_METER.take();
        timeFlows(transientFlow, runs, steps);
        long[] m = BenchFlow.TRANSIENT_METER.take();
        return new double[] {m[0] / 1000.0 / m[2], m[1] / 1000.0 / m[2]};
    }

    // ---------------------------------------------------------------- helpers

    private String payloadJson() {
        return codec.encode(BenchPayload.of(UUID.randomUUID().toString(), 3)).json();
    }

    private void ensureTable() throws SQLException {
        if (tableReady) {
            return;
        }
        BareInsert.ensureTable(dataSource);
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
        env.put("openTelemetryApiVisible", openTelemetryVisible());
        env.put("maintenanceInterval", System.getenv().getOrDefault("CRUX_MAINTENANCE_INTERVAL", "PT10S (default)"));
        return env;
    }

    /** Whether crux-ee can see the OpenTelemetry API (without it, it records no spans: CRUX0045W). */
    private static boolean openTelemetryVisible() {
        try {
            Class.forName("io.opentelemetry.api.OpenTelemetry", false, FlowHandle.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(
                message,
                Response.status(Response.Status.BAD_REQUEST)
                        .entity(Map.of("error", message))
                        .type(MediaType.APPLICATION_JSON)
                        .build());
    }

    private static double sum(long[][] rows, int column) {
        double total = 0;
        for (long[] row : rows) {
            total += row[column];
        }
        return total;
    }

    /** @return a map that keeps the order of the given key, value pairs */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
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
