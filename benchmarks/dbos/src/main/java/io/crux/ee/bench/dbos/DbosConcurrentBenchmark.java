package io.crux.ee.bench.dbos;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dbos.transact.DBOS;
import dev.dbos.transact.config.DBOSConfig;
import tools.jackson.databind.json.JsonMapper;

import io.crux.ee.bench.server.AlternatingPhases;
import io.crux.ee.bench.server.AlternatingPhases.Phase;
import io.crux.ee.bench.server.AlternatingPhases.Setup;
import io.crux.ee.bench.server.AlternatingPhases.Side;
import io.crux.ee.bench.server.AlternatingPhases.Totals;
import io.crux.ee.bench.server.BareInsert;
import io.crux.ee.bench.server.BenchPayload;

/**
 * Section 7's concurrent benchmark on DBOS Transact Java, measured as the in-server one measures crux-ee
 * ({@link AlternatingPhases}): C callers run 10-step workflows, each step's value checkpointed by DBOS,
 * alternately with C threads doing bare JDBC insert + commit of the same JSON on the same pool.
 *
 * <p>Run by {@code benchmarks/run-dbos-benchmark.sh}; settings are system properties: {@code clients}
 * (a list, default {@code 1,8,32}), {@code flows} (per phase, at least 4 per client, default 64),
 * {@code steps} (10), {@code rounds} (20), {@code warmup} (20), {@code url}, {@code user},
 * {@code password}, {@code schema} (default {@code dbos_bench}, which alone is dropped and made again
 * first; another is only made if missing),
 * {@code poolSize} (50, as the servers' data source). It prints one JSON report per client count.
 *
 * <p>DBOS runs a workflow called through its proxy on the caller's thread; its checkpoints and the bare
 * inserts share one HikariCP pool, as crux-ee's and the bare inserts share the server's data source.
 */
public final class DbosConcurrentBenchmark {

    private static final String DEFAULT_SCHEMA = "dbos_bench";
    private static final String NOTES =
            "phases alternate A B B A ...; stepsPerSecond = steps of all durable phases / their wall time (whole "
                    + "workflows, called through DBOS's proxy on the caller's thread); step latencies are measured "
                    + "inside the workflow around each step; runUs = one caller's whole workflow; processCpuUsPerStep = "
                    + "this JVM's CPU over the durable phases / steps";

    private DbosConcurrentBenchmark() {}

    /** @param args none: see the class's comment for the settings */
    public static void main(String[] args) throws Exception {
        String url = System.getProperty("url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("user", "postgres");
        String password = System.getProperty("password", "");
        String schema = System.getProperty("schema", DEFAULT_SCHEMA);
        int[] clientCounts = Arrays.stream(
                        System.getProperty("clients", "1,8,32").split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
        int flows = Integer.getInteger("flows", 64);
        int steps = Integer.getInteger("steps", 10);
        int rounds = Integer.getInteger("rounds", 20);
        int warmup = Integer.getInteger("warmup", 20);
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("schema must be a plain lower-case name: " + schema);
        }

        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(Integer.getInteger("poolSize", 50));
        pool.setPoolName("dbos-bench");
        try (HikariDataSource dataSource = new HikariDataSource(pool)) {
            prepareSchema(dataSource, schema);
            DBOSConfig config = DBOSConfig.defaults("crux-dbos-bench")
                    .withDataSource(dataSource)
                    .withDatabaseSchema(schema)
                    .disableAdminServer();
            try (DBOS dbos = new DBOS(config)) {
                ConcurrentWorkflow workflow =
                        dbos.registerProxy(ConcurrentWorkflow.class, new ConcurrentWorkflowImpl(dbos));
                dbos.launch();
                String json = JsonMapper.shared()
                        .writeValueAsString(BenchPayload.of(UUID.randomUUID().toString(), 3));
                // one throw-away call first, as run-server-benchmark.sh makes, so the JIT has compiled both paths
                measure(workflow, dataSource, 8, Math.max(flows, 32), steps, 1, warmup, json);
                for (int clients : clientCounts) {
                    Map<String, Object> report = measure(
                            workflow, dataSource, clients, Math.max(flows, 4 * clients), steps, rounds, warmup, json);
                    System.out.println(
                            JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(report));
                }
            }
        }
    }

    private static Map<String, Object> measure(
            ConcurrentWorkflow workflow,
            HikariDataSource dataSource,
            int clients,
            int flows,
            int steps,
            int rounds,
            int warmup,
            String json)
            throws Exception {
        long started = System.nanoTime();
        ExecutorService callers = Executors.newFixedThreadPool(clients);
        try {
            Totals[] t = AlternatingPhases.alternate(
                    warmup,
                    rounds,
                    new Side(
                            () -> durablePhase(workflow, callers, clients, flows, steps),
                            p -> ConcurrentWorkflowImpl.LATENCIES.take()),
                    new Side(
                            () -> AlternatingPhases.barePhase(callers, clients, flows * steps, dataSource, json),
                            Phase::takeCallLatencies));
            Setup setup = new Setup(
                    "concurrent DBOS Transact " + dbosVersion() + " steps vs bare JDBC insert + commit, same pool",
                    "proxy",
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

    private static Phase durablePhase(
            ConcurrentWorkflow workflow, ExecutorService callers, int clients, int flows, int steps) throws Exception {
        ConcurrentWorkflowImpl.LATENCIES.take(); // none left over from an earlier phase
        return AlternatingPhases.phase(callers, clients, flows, steps, (n, p) -> {
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                Integer done = workflow.run(steps);
                if (done == null || done != steps) {
                    throw new IllegalStateException("unexpected result " + done);
                }
                ns[i] = System.nanoTime() - t0;
            }
            p.addCallLatencies(ns, n);
        });
    }

    /** Makes the schema and the bare inserts' table; drops the schema first only if it is the default one. */
    private static void prepareSchema(HikariDataSource dataSource, String schema) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            if (schema.equals(DEFAULT_SCHEMA)) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        BareInsert.ensureTable(dataSource); // the pool's connections have the schema as their current one
    }

    private static String dbosVersion() {
        String v = DBOS.class.getPackage().getImplementationVersion();
        return v == null ? "(version unknown)" : v;
    }
}
