package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;

/**
 * The devtools' queries over 100,000 stored runs (BENCHMARKS.md, benchmark 6): the statements
 * {@code JpaFlowStore} runs for a page of runs (newest, by flow and status, by user, by session, by
 * time range, a later page by its cursor), the counts by status, the runs written since an instant,
 * and a run's detail (its row with the suspension, its checkpoints, its children, its failure), on
 * H2 (in memory) and PostgreSQL, with the shipped DDL and its indexes. In this package because the
 * queries ({@link RunRows}) are the store's own, package-private.
 *
 * <p>PostgreSQL: {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code postgres}, schema
 * {@code crux_devtools_bench} (system properties {@code bench.pg.url}, {@code bench.pg.user},
 * {@code bench.pg.schema}); the runs are stored once and kept for later forks.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RunQueryBenchmark {

    static final int RUNS = 100_000;
    static final int STEPS_PER_RUN = 2;
    static final String[] FLOWS = {"expense-approval", "order", "refund", "support-chat", "research"};
    static final int USERS = 1_000;
    static final int SESSIONS = 20_000;
    static final Instant NEWEST = Instant.parse("2026-12-01T00:00:00Z");
    /** The runs are spread over 30 days, one every 26 seconds or so. */
    static final long SPREAD_SECONDS = 30L * 24 * 3600;

    @Param({"h2", "postgresql"})
    public String database;

    private Connection c;
    private final Set<String> allFlows = Set.of(FLOWS);
    private RunQuery.Cursor secondPage;
    private final Random random = new Random(7);

    @Setup(Level.Trial)
    public void store() throws SQLException {
        DataSource ds;
        if ("h2".equals(database)) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:devtools;DB_CLOSE_DELAY=-1");
            ds = h2;
        } else {
            String schema = System.getProperty("bench.pg.schema", "crux_devtools_bench");
            try (Connection admin = DriverManager.getConnection(
                            System.getProperty("bench.pg.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                            System.getProperty("bench.pg.user", "postgres"),
                            "");
                    Statement s = admin.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            }
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setUrl(System.getProperty("bench.pg.url", "jdbc:postgresql://127.0.0.1:5432/test"));
            pg.setUser(System.getProperty("bench.pg.user", "postgres"));
            pg.setCurrentSchema(schema);
            ds = pg;
        }
        SchemaInstaller.install(ds);
        c = ds.getConnection();
        if (count() != RUNS) {
            load();
        }
        if (!"h2".equals(database)) {
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE CRUX_FLOW_RUN");
                s.execute("ANALYZE CRUX_STEP");
            }
        }
        List<RunRecord> first = RunRows.find(c, page(null, null, null, null, null, null));
        RunRecord last = first.get(first.size() - 1);
        secondPage = new RunQuery.Cursor(last.createdAt(), last.flowId());
    }

    @TearDown(Level.Trial)
    public void close() throws SQLException {
        c.close();
    }

    private long count() throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM CRUX_FLOW_RUN")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** 100,000 runs of 5 flows, 1,000 users, 20,000 sessions; 2 checkpoints each; one in ten is a child. */
    private void load() throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DELETE FROM CRUX_STEP");
            s.execute("DELETE FROM CRUX_FLOW_RUN");
        }
        c.setAutoCommit(false);
        Random r = new Random(42);
        try (PreparedStatement run = c.prepareStatement(
                        "INSERT INTO CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME,"
                                + " STATUS, PARENT_ID, SESSION_ID, USER_ID, EVENTS, INPUT_TYPE, INPUT_JSON, ERROR, CREATED_AT,"
                                + " UPDATED_AT, VERSION) VALUES (?, ?, 'run', ?, ?, ?, ?, FALSE, 'java.lang.String', ?, ?, ?, ?, 1)");
                PreparedStatement step = c.prepareStatement("INSERT INTO CRUX_STEP (ID, FLOW_ID, POSITION, LABEL, KIND,"
                        + " OUTPUT_TYPE, OUTPUT_JSON, ATTEMPTS, FALLBACK, COMPLETED_AT, STARTED_AT, VERSION)"
                        + " VALUES (?, ?, ?, ?, 'STEP', 'java.lang.String', '\"ok\"', 1, FALSE, ?, ?, 1)")) {
            for (int i = 0; i < RUNS; i++) {
                String id = id(i);
                Instant created = NEWEST.minusSeconds(SPREAD_SECONDS * (RUNS - i) / RUNS);
                int p = r.nextInt(100);
                FlowStatus status = p < 80
                        ? FlowStatus.COMPLETED
                        : p < 85
                                ? FlowStatus.FAILED
                                : p < 95 ? FlowStatus.SUSPENDED : p < 99 ? FlowStatus.RUNNING : FlowStatus.CANCELLED;
                run.setString(1, id);
                run.setString(2, FLOWS[r.nextInt(FLOWS.length)]);
                run.setString(3, status.name());
                run.setString(4, i % 10 == 9 ? id(i - 1) : null);
                run.setString(5, "session-" + r.nextInt(SESSIONS));
                run.setString(6, "user-" + r.nextInt(USERS));
                run.setString(7, "\"input " + i + "\"");
                run.setString(8, status == FlowStatus.FAILED ? "CRUX0010E: Step 'call' failed" : null);
                run.setTimestamp(9, Timestamp.from(created));
                run.setTimestamp(10, Timestamp.from(created.plusSeconds(2)));
                run.addBatch();
                for (int k = 0; k < STEPS_PER_RUN; k++) {
                    step.setString(1, id + ":" + k);
                    step.setString(2, id);
                    step.setInt(3, k);
                    step.setString(4, "step-" + k);
                    step.setTimestamp(5, Timestamp.from(created.plusMillis(500L * k + 400)));
                    step.setTimestamp(6, Timestamp.from(created.plusMillis(500L * k)));
                    step.addBatch();
                }
                if (i % 1000 == 999) {
                    run.executeBatch();
                    step.executeBatch();
                    c.commit();
                }
            }
        }
        c.setAutoCommit(true);
    }

    private static String id(int i) {
        return String.format("run-%06d", i);
    }

    private RunQuery page(
            Set<String> flows, FlowStatus status, String user, String session, Instant from, RunQuery.Cursor after) {
        return new RunQuery(
                flows == null ? allFlows : flows,
                status,
                user,
                session,
                from,
                from == null ? null : from.plusSeconds(24 * 3600),
                after,
                0,
                50);
    }

    @Benchmark
    public List<RunRecord> listNewest() throws SQLException {
        return RunRows.find(c, page(null, null, null, null, null, null));
    }

    @Benchmark
    public List<RunRecord> listSecondPage() throws SQLException {
        return RunRows.find(c, page(null, null, null, null, null, secondPage));
    }

    @Benchmark
    public List<RunRecord> listByFlowAndStatus() throws SQLException {
        return RunRows.find(c, page(Set.of("refund"), FlowStatus.FAILED, null, null, null, null));
    }

    @Benchmark
    public List<RunRecord> listByUser() throws SQLException {
        return RunRows.find(c, page(null, null, "user-" + random.nextInt(USERS), null, null, null));
    }

    @Benchmark
    public List<RunRecord> listBySession() throws SQLException {
        return RunRows.find(c, page(null, null, null, "session-" + random.nextInt(SESSIONS), null, null));
    }

    @Benchmark
    public List<RunRecord> listOneDay() throws SQLException {
        return RunRows.find(c, page(null, null, null, null, NEWEST.minusSeconds(10L * 24 * 3600), null));
    }

    @Benchmark
    public Map<FlowStatus, Long> countAll() throws SQLException {
        return RunRows.countByStatus(c, page(null, null, null, null, null, null));
    }

    @Benchmark
    public Map<FlowStatus, Long> countByFlow() throws SQLException {
        return RunRows.countByStatus(c, page(Set.of("refund"), null, null, null, null, null));
    }

    @Benchmark
    public Map<FlowStatus, Long> countByUser() throws SQLException {
        return RunRows.countByStatus(c, page(null, null, "user-" + random.nextInt(USERS), null, null, null));
    }

    @Benchmark
    public List<RunRecord> changedInTheLastMinute() throws SQLException {
        return RunRows.updatedSince(c, page(null, null, null, null, null, null), NEWEST.minusSeconds(60), 500);
    }

    /** What a run's detail reads from CRUX_FLOW_RUN and CRUX_STEP: its row, checkpoints, children, failure. */
    @Benchmark
    public int detail() throws SQLException {
        String id = id(random.nextInt(RUNS));
        int rows = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT r.*, s.* FROM CRUX_FLOW_RUN r"
                + " LEFT JOIN CRUX_SUSPENSION s ON s.ID = r.SUSPENSION_ID WHERE r.ID = ?")) {
            ps.setString(1, id);
            rows += drain(ps);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM CRUX_STEP WHERE FLOW_ID = ? ORDER BY POSITION")) {
            ps.setString(1, id);
            rows += drain(ps);
        }
        rows += RunRows.children(c, id).size();
        try (PreparedStatement ps = c.prepareStatement("SELECT FAILURE_LOG FROM CRUX_FLOW_RUN WHERE ID = ?")) {
            ps.setString(1, id);
            rows += drain(ps);
        }
        return rows;
    }

    private static int drain(PreparedStatement ps) throws SQLException {
        int n = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }
}
