package io.crux.ee.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.codec.JsonbPayloadCodec;

/**
 * The concurrent benchmark (issue 14): throughput of durable steps at C concurrent callers against
 * C threads doing bare JDBC insert + commit on the same DataSource, in one request.
 *
 * <p>{@code GET /bench/concurrent?clients=C&flows=F&steps=N&rounds=R&warmup=W&via=handle|http} runs
 * W warm-up rounds and then R measured rounds; each round has two phases, in the order A, B in even
 * rounds and B, A in odd ones (A B B A A B ...), so that drifting load on the machine hits both alike:
 *
 * <ul>
 *   <li>A, durable: C caller threads run F runs of {@link ConcurrentFlow} with N steps between them
 *       (each caller about F/C runs, one after the other). With {@code via=handle} a caller calls
 *       {@code FlowHandle.run(N)} (which hands the run to the managed executor and waits for it); with
 *       {@code via=http} it goes through crux-ee-sse's HTTP API as a browser would: {@code POST
 *       /flows/bench-concurrent/actions/run} with body N, then {@code GET .../requests/{id}/stream},
 *       read until the request's terminal event, over loopback HTTP to this server.
 *   <li>B, bare: C threads do F·N inserts in all (about F·N/C each): a pooled connection of {@code
 *       java:comp/DefaultDataSource}, {@code setAutoCommit(false)}, one INSERT of the same 204-byte JSON
 *       into {@code BENCH_BARE_INSERT}, {@code commit()}, close, as benchmark 2's bare insert does.
 * </ul>
 *
 * <p>The callers are platform threads of {@code java:comp/DefaultManagedThreadFactory}, made for the
 * request and dropped after it: they carry the application's context (so the DataSource and the
 * flow handle work as on a request thread), and they are not threads of the managed executor, on which
 * crux-ee runs the flows, so the callers never compete with their own runs for that pool.
 *
 * <p>Reported per phase type: operations per second (steps or inserts, over the phases' wall time),
 * p50/p99/mean latency per step (inside the flow body, see {@link ConcurrentFlow}) and per insert,
 * and process CPU per operation (the delta of the JVM's {@code getProcessCpuTime} over the phases,
 * divided by the operations: everything in the JVM counts, the server's own background work included;
 * with {@code via=http} the callers' HTTP client runs in the same JVM, and its threads' CPU time is
 * reported as well so that it can be taken out). Times in µs.
 */
@Path("bench/concurrent")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ConcurrentBenchmark {

    static final double TARGET_RATIO_ONE_CLIENT = 1.2;
    static final double TARGET_THROUGHPUT_RATIO = 0.8;

    private static final Pattern REQUEST_ID = Pattern.compile("\"requestId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");

    @Inject
    @Flow("bench-concurrent")
    FlowHandle<Integer, Integer> flow;

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Resource(lookup = "java:comp/DefaultManagedThreadFactory")
    ManagedThreadFactory threadFactory;

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();

    /** What the phases of one kind added up to. */
    private static final class Totals {
        long ops;
        long wallNs;
        long processCpuNs;
        long callerCpuNs;
        long machineBusyNs;
        long machineAllNs;
        final List<Double> roundOpsPerSecond = new ArrayList<>();
        final List<Double> roundMeanLatencyNs = new ArrayList<>();
        final List<long[]> latencies = new ArrayList<>();
        final List<long[]> callLatencies = new ArrayList<>();

        void add(Phase p, long[] stepLatencies) {
            ops += p.ops;
            wallNs += p.wallNs;
            processCpuNs += p.processCpuNs;
            callerCpuNs += p.callerCpuNs;
            machineBusyNs += p.machineBusyNs;
            machineAllNs += p.machineAllNs;
            roundOpsPerSecond.add(p.ops * 1e9 / p.wallNs);
            latencies.add(stepLatencies);
            roundMeanLatencyNs.add(Arrays.stream(stepLatencies).average().orElse(0));
            callLatencies.add(p.callLatencies.take());
        }
    }

    /** One phase: operations done, wall and CPU time, and the callers' own latencies (per call). */
    private static final class Phase {
        long ops;
        long wallNs;
        long processCpuNs;
        long callerCpuNs;
        /** CPU time of the whole machine (every process, PostgreSQL's too), busy and in all, from /proc/stat. */
        long machineBusyNs;

        long machineAllNs;
        final Latencies callLatencies = new Latencies();
    }

    @GET
    public synchronized Map<String, Object> run(
            @QueryParam("clients") @DefaultValue("8") int clients,
            @QueryParam("flows") @DefaultValue("64") int flows,
            @QueryParam("steps") @DefaultValue("10") int steps,
            @QueryParam("rounds") @DefaultValue("20") int rounds,
            @QueryParam("warmup") @DefaultValue("20") int warmup,
            @QueryParam("via") @DefaultValue("handle") String via,
            @QueryParam("user") @DefaultValue("alice:alice-password") String user,
            @Context UriInfo uriInfo)
            throws Exception {
        if (clients < 1 || flows < 1 || steps < 1 || rounds < 1 || warmup < 0) {
            throw badRequest("clients, flows, steps and rounds must be at least 1, warmup at least 0");
        }
        if (!via.equals("handle") && !via.equals("http")) {
            throw badRequest("via must be 'handle' (FlowHandle.run) or 'http' (POST the action, read its stream)");
        }
        boolean http = via.equals("http");
        flows = Math.max(flows, clients);
        ensureTable();
        String json =
                codec.encode(BenchPayload.of(UUID.randomUUID().toString(), 3)).json();
        String base = uriInfo.getBaseUri().toString().replaceAll("/$", "");
        String auth = "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();

        ExecutorService callers = Executors.newFixedThreadPool(clients, threadFactory);
        try {
            Totals durable = new Totals();
            Totals bare = new Totals();
            for (int r = -warmup; r < rounds; r++) {
                boolean measured = r >= 0;
                for (int half = 0; half < 2; half++) {
                    boolean durableFirst = Math.floorMod(r, 2) == 0;
                    if ((half == 0) == durableFirst) {
                        ConcurrentFlow.LATENCIES.take();
                        Phase p = durablePhase(callers, clients, flows, steps, http, base, auth);
                        long[] lat = ConcurrentFlow.LATENCIES.take();
                        if (measured) {
                            durable.add(p, lat);
                        }
                    } else {
                        Phase p = barePhase(callers, clients, flows * steps, json);
                        if (measured) {
                            bare.add(p, p.callLatencies.take()); // an insert is a call: its latencies go in once
                        }
                    }
                }
            }
            return report(clients, flows, steps, rounds, warmup, via, json, durable, bare, started);
        } finally {
            callers.shutdownNow();
        }
    }

    private Phase durablePhase(
            ExecutorService callers, int clients, int flows, int steps, boolean http, String base, String auth)
            throws Exception {
        return phase(callers, clients, flows, steps, (n, p) -> {
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                if (http) {
                    runOverHttp(base, auth, steps);
                } else {
                    FlowResult<Integer> r = flow.run(steps);
                    if (!(r instanceof FlowResult.Completed<Integer> c) || c.output() != steps) {
                        throw new IllegalStateException("unexpected result " + r);
                    }
                }
                ns[i] = System.nanoTime() - t0;
            }
            p.callLatencies.add(ns, n);
        });
    }

    private Phase barePhase(ExecutorService callers, int clients, int inserts, String json) throws Exception {
        return phase(callers, clients, inserts, 1, (n, p) -> {
            String prefix = UUID.randomUUID() + ":";
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                bareInsert(prefix + i, json);
                ns[i] = System.nanoTime() - t0;
            }
            p.callLatencies.add(ns, n);
        });
    }

    /** The work of one caller: {@code n} calls, their latencies into the phase. */
    private interface Work {
        void run(int n, Phase phase) throws Exception;
    }

    /**
     * Runs {@code calls} calls of {@code work} spread over {@code clients} callers, all released at once;
     * each call is {@code opsPerCall} operations.
     */
    private static Phase phase(ExecutorService callers, int clients, int calls, int opsPerCall, Work work)
            throws Exception {
        Phase p = new Phase();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] callerCpu = new long[clients];
        List<Future<?>> futures = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            int n = calls / clients + (c < calls % clients ? 1 : 0);
            futures.add(callers.submit(() -> {
                ready.countDown();
                go.await();
                long cpu0 = Meter.cpuNow();
                work.run(n, p);
                callerCpu[client] = Meter.cpuNow() - cpu0;
                return null;
            }));
        }
        ready.await();
        long cpu0 = processCpuNs();
        long[] machine0 = machineCpuNs();
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        p.wallNs = System.nanoTime() - t0;
        p.processCpuNs = processCpuNs() - cpu0;
        long[] machine1 = machineCpuNs();
        p.machineBusyNs = machine1[0] - machine0[0];
        p.machineAllNs = machine1[1] - machine0[1];
        p.callerCpuNs = Arrays.stream(callerCpu).sum();
        p.ops = (long) calls * opsPerCall;
        return p;
    }

    /** One run through the HTTP API: POST the action, then read its request stream to the terminal event. */
    private static void runOverHttp(String base, String auth, int steps) throws IOException {
        HttpURLConnection post = (HttpURLConnection)
                URI.create(base + "/flows/bench-concurrent/actions/run").toURL().openConnection();
        post.setRequestMethod("POST");
        post.setDoOutput(true);
        post.setRequestProperty("Authorization", auth);
        post.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = post.getOutputStream()) {
            out.write(Integer.toString(steps).getBytes(StandardCharsets.UTF_8));
        }
        int status = post.getResponseCode();
        String body;
        try (InputStream in = status < 400 ? post.getInputStream() : post.getErrorStream()) {
            body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher id = REQUEST_ID.matcher(body);
        if (status != 202 || !id.find()) {
            throw new IllegalStateException("POST answered " + status + ": " + body);
        }
        HttpURLConnection stream =
                (HttpURLConnection) URI.create(base + "/flows/bench-concurrent/requests/" + id.group(1) + "/stream")
                        .toURL()
                        .openConnection();
        stream.setRequestProperty("Authorization", auth);
        stream.setRequestProperty("Accept", "text/event-stream");
        stream.setReadTimeout(120_000);
        if (stream.getResponseCode() != 200) {
            throw new IllegalStateException("stream answered " + stream.getResponseCode());
        }
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(stream.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data:")) {
                    Matcher type = TYPE.matcher(line);
                    if (type.find()) {
                        String t = type.group(1);
                        if (t.startsWith("request.")
                                && !t.equals("request.created")
                                && !t.equals("request.in_progress")) {
                            if (!t.equals("request.completed")) {
                                throw new IllegalStateException("the run ended with " + t + ": " + line);
                            }
                            stream.disconnect(); // crux ends the stream after its terminal event; do not wait
                            return;
                        }
                    }
                }
            }
        }
        throw new IllegalStateException("the stream ended without a terminal event");
    }

    /** One bare insert: a pooled connection, one INSERT, one commit. */
    private void bareInsert(String id, String json) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(DurableStepBenchmark.INSERT)) {
                ps.setString(1, id);
                ps.setString(2, json);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private Map<String, Object> report(
            int clients,
            int flows,
            int steps,
            int rounds,
            int warmup,
            String via,
            String json,
            Totals durable,
            Totals bare,
            long started) {
        long[] stepLat = merge(durable.latencies);
        long[] runLat = merge(durable.callLatencies);
        long[] bareLat = merge(bare.latencies);
        double stepsPerSecond = durable.ops * 1e9 / durable.wallNs;
        double barePerSecond = bare.ops * 1e9 / bare.wallNs;
        double stepMeanUs = Arrays.stream(stepLat).average().orElse(0) / 1000.0;
        double bareMeanUs = Arrays.stream(bareLat).average().orElse(0) / 1000.0;
        double throughputRatio = stepsPerSecond / barePerSecond;
        double[] roundRatios = new double[rounds];
        double[] roundLatencyRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            roundRatios[r] = durable.roundOpsPerSecond.get(r) / bare.roundOpsPerSecond.get(r);
            roundLatencyRatios[r] = durable.roundMeanLatencyNs.get(r) / bare.roundMeanLatencyNs.get(r);
        }
        double p50Ratio = Latencies.quantileUs(stepLat, 0.5) / Latencies.quantileUs(bareLat, 0.5);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "concurrent durable steps (" + via + ") vs bare JDBC insert + commit, same DataSource");
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put("via", via);
        out.put("clients", clients);
        out.put("flowsPerPhase", flows);
        out.put("stepsPerFlow", steps);
        out.put("rounds", rounds);
        out.put("warmupRounds", warmup);
        out.put("payloadBytes", json.length());
        out.put(
                "durable",
                ordered(
                        "steps", durable.ops,
                        "stepsPerSecond", round(stepsPerSecond),
                        "stepsPerSecondMedianOfRounds", round(median(durable.roundOpsPerSecond)),
                        "stepUsP50", round(Latencies.quantileUs(stepLat, 0.5)),
                        "stepUsP99", round(Latencies.quantileUs(stepLat, 0.99)),
                        "stepUsMean", round(stepMeanUs),
                        "runUsP50", round(Latencies.quantileUs(runLat, 0.5)),
                        "runUsP99", round(Latencies.quantileUs(runLat, 0.99)),
                        "processCpuUsPerStep", round(durable.processCpuNs / 1000.0 / durable.ops),
                        "callerThreadsCpuUsPerStep", round(durable.callerCpuNs / 1000.0 / durable.ops),
                        "machineCpuUsPerStep", round(durable.machineBusyNs / 1000.0 / durable.ops),
                        "machineBusy",
                                durable.machineAllNs == 0
                                        ? 0
                                        : round((double) durable.machineBusyNs / durable.machineAllNs)));
        out.put(
                "bare",
                ordered(
                        "inserts", bare.ops,
                        "insertsPerSecond", round(barePerSecond),
                        "insertsPerSecondMedianOfRounds", round(median(bare.roundOpsPerSecond)),
                        "insertUsP50", round(Latencies.quantileUs(bareLat, 0.5)),
                        "insertUsP99", round(Latencies.quantileUs(bareLat, 0.99)),
                        "insertUsMean", round(bareMeanUs),
                        "processCpuUsPerInsert", round(bare.processCpuNs / 1000.0 / bare.ops),
                        "machineCpuUsPerInsert", round(bare.machineBusyNs / 1000.0 / bare.ops),
                        "machineBusy",
                                bare.machineAllNs == 0 ? 0 : round((double) bare.machineBusyNs / bare.machineAllNs)));
        out.put(
                "ratios",
                ordered(
                        "throughputDurableOverBare", round(throughputRatio),
                        "throughputMedianOfRounds", round(median(roundRatios)),
                        "stepMeanOverInsertMean", round(stepMeanUs / bareMeanUs),
                        "stepMeanOverInsertMeanMedianOfRounds", round(median(roundLatencyRatios)),
                        "stepP50OverInsertP50", round(p50Ratio),
                        "bareOverDurableThroughput", round(1 / throughputRatio),
                        "processCpuDurableStepOverInsert",
                                round((double) durable.processCpuNs
                                        / durable.ops
                                        / ((double) bare.processCpuNs / bare.ops))));
        if (clients == 1) {
            out.put(
                    "target",
                    ordered(
                            "rule",
                            "one client: mean durable step <= " + TARGET_RATIO_ONE_CLIENT + "x mean bare insert+commit",
                            "met",
                            stepMeanUs / bareMeanUs <= TARGET_RATIO_ONE_CLIENT));
        } else {
            out.put(
                    "target",
                    ordered(
                            "rule",
                            clients + " clients: durable steps/s >= " + TARGET_THROUGHPUT_RATIO + "x bare inserts/s",
                            "met",
                            throughputRatio >= TARGET_THROUGHPUT_RATIO));
        }
        out.put(
                "notes",
                "phases alternate A B B A ...; stepsPerSecond = steps of all durable phases / their wall time (whole runs: the run "
                        + "row's writes, the hand-off to the managed executor and, via=http, the POST, the session, the stream); "
                        + "step latencies are measured inside the flow body around each step; runUs = one caller's whole run "
                        + "(FlowHandle.run, or POST + stream to the terminal event); processCpuUsPerStep = JVM process CPU over the "
                        + "durable phases / steps (everything in the JVM; via=http includes the HTTP client, whose caller threads "
                        + "used callerThreadsCpuUsPerStep of it)");
        out.put("elapsedSeconds", round((System.nanoTime() - started) / 1e9));
        return out;
    }

    /** @return the JVM's CPU time so far; 0 where the server hides the JDK's extension of the MXBean (WildFly's modules) */
    private static long processCpuNs() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
        } catch (LinkageError hidden) {
            // falls through to 0
        }
        return 0L;
    }

    /**
     * @return the machine's busy and total CPU time so far, from the first line of /proc/stat (every
     *     CPU, every process: PostgreSQL's work beside the server's); zeros where there is none
     */
    private static long[] machineCpuNs() {
        try {
            String[] f = Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                    .get(0)
                    .trim()
                    .split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                all += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long nsPerTick = 10_000_000L; // USER_HZ is 100 on Linux
            return new long[] {(all - idle) * nsPerTick, all * nsPerTick};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private void ensureTable() throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + DurableStepBenchmark.TABLE
                    + " (ID VARCHAR(140) NOT NULL PRIMARY KEY, PAYLOAD TEXT)");
        }
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(
                message,
                Response.status(Response.Status.BAD_REQUEST)
                        .entity(Map.of("error", message))
                        .type(MediaType.APPLICATION_JSON)
                        .build());
    }
}
