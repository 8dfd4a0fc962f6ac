package io.crux.ee.bench.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import io.crux.ee.bench.server.AlternatingPhases.Phase;
import io.crux.ee.bench.server.AlternatingPhases.Setup;
import io.crux.ee.bench.server.AlternatingPhases.Side;
import io.crux.ee.bench.server.AlternatingPhases.Totals;
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
 * <p>The rounds, the phases and the report are {@link AlternatingPhases}'s, which {@code benchmarks/dbos}
 * measures DBOS Transact with. Reported per phase type: operations per second (steps or inserts, over the phases' wall time),
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

    private static final String NOTES =
            "phases alternate A B B A ...; stepsPerSecond = steps of all durable phases / their wall time (whole runs: the run "
                    + "row's writes, the hand-off to the managed executor and, via=http, the POST, the session, the stream); "
                    + "step latencies are measured inside the flow body around each step; runUs = one caller's whole run "
                    + "(FlowHandle.run, or POST + stream to the terminal event); processCpuUsPerStep = JVM process CPU over the "
                    + "durable phases / steps (everything in the JVM; via=http includes the HTTP client, whose caller threads "
                    + "used callerThreadsCpuUsPerStep of it)";

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
        BareInsert.ensureTable(dataSource);
        String json =
                codec.encode(BenchPayload.of(UUID.randomUUID().toString(), 3)).json();
        String base = uriInfo.getBaseUri().toString().replaceAll("/$", "");
        String auth = "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();

        ExecutorService callers = Executors.newFixedThreadPool(clients, threadFactory);
        try {
            int calls = flows;
            Totals[] t = AlternatingPhases.alternate(
                    warmup,
                    rounds,
                    new Side(
                            () -> durablePhase(callers, clients, calls, steps, http, base, auth),
                            p -> ConcurrentFlow.LATENCIES.take()),
                    new Side( // an insert is a call: its latencies are the phase's call latencies
                            () -> AlternatingPhases.barePhase(callers, clients, calls * steps, dataSource, json),
                            Phase::takeCallLatencies));
            Setup setup = new Setup(
                    "concurrent durable steps (" + via + ") vs bare JDBC insert + commit, same DataSource",
                    via,
                    clients,
                    flows,
                    steps,
                    rounds,
                    warmup,
                    json.length());
            return AlternatingPhases.report(setup, t[0], t[1], NOTES, started);
        } finally {
            callers.shutdownNow();
        }
    }

    private Phase durablePhase(
            ExecutorService callers, int clients, int flows, int steps, boolean http, String base, String auth)
            throws Exception {
        ConcurrentFlow.LATENCIES.take(); // none left over from an earlier phase
        return AlternatingPhases.phase(callers, clients, flows, steps, (n, p) -> {
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
            p.addCallLatencies(ns, n);
        });
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

    private static WebApplicationException badRequest(String message) {
        return new WebApplicationException(
                message,
                Response.status(Response.Status.BAD_REQUEST)
                        .entity(Map.of("error", message))
                        .type(MediaType.APPLICATION_JSON)
                        .build());
    }
}
