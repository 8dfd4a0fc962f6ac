package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.ds.PGSimpleDataSource;

import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;

/**
 * The checkpoint's fenced insert on PostgreSQL ({@link JpaFlowStore#insertHeld}), as the store binds
 * it, against the shipped DDL: it inserts only for the node that holds the running run, and it finds
 * the run by its primary key even in a generic plan. A fence that named the status in its lookup
 * let PostgreSQL cache a plan that walked a status index ({@code CRUX_FLOW_RUN_STATUS} here,
 * {@code CRUX_FLOW_RUN_STATUS_CREATED} in the benchmark), whose entries for finished runs stay until a
 * vacuum: each step then read every {@code RUNNING} entry the table ever had, and the database's CPU
 * per step grew with its history (BENCHMARKS.md, section 7).
 *
 * <p>Needs PostgreSQL 15 or later, for {@code pg_stat_force_next_flush} ({@code CRUX_DB_HOST},
 * {@code CRUX_DB_PORT}, {@code CRUX_DB_NAME}, {@code CRUX_DB_USER}, {@code CRUX_DB_PASSWORD};
 * 127.0.0.1:5432, {@code test}, {@code postgres} otherwise) and works in a schema of its own, {@code crux_unit_fence}, dropped at the end. Without
 * one it is reported skipped with the reason, unless {@code -Dcrux.test.postgresql=required} (CI),
 * where it fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FencedCheckpointPostgreSqlTest {

    private static final String SCHEMA = "crux_unit_fence";
    private static final String NODE = "node-a";

    private static PGSimpleDataSource dataSource;

    /** Why the tests are skipped, or null. */
    private static String noPostgreSql;

    @BeforeAll
    static void schema() {
        dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {env("CRUX_DB_HOST", "127.0.0.1")});
        dataSource.setPortNumbers(new int[] {Integer.parseInt(env("CRUX_DB_PORT", "5432"))});
        dataSource.setDatabaseName(env("CRUX_DB_NAME", "test"));
        dataSource.setUser(env("CRUX_DB_USER", "postgres"));
        dataSource.setPassword(env("CRUX_DB_PASSWORD", ""));
        dataSource.setPrepareThreshold(1); // a server-side prepared statement from the first use, as pooled ones are
        String why = "this test needs PostgreSQL 15 or later at " + dataSource.getUrl()
                + " (CRUX_DB_HOST, CRUX_DB_PORT, CRUX_DB_NAME, CRUX_DB_USER, CRUX_DB_PASSWORD), which answered: ";
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            int version = c.getMetaData().getDatabaseMajorVersion();
            if (version < 15) {
                noPostgreSql = why + "version " + version + " (pg_stat_force_next_flush is 15's)";
            } else {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                s.execute("CREATE SCHEMA " + SCHEMA);
            }
        } catch (SQLException e) {
            noPostgreSql = why + e;
        }
        if (noPostgreSql != null) {
            if ("required".equals(System.getProperty("crux.test.postgresql"))) {
                fail(noPostgreSql + " (-Dcrux.test.postgresql=required)");
            }
            return;
        }
        dataSource.setCurrentSchema(SCHEMA);
        SchemaInstaller.install(dataSource);
    }

    @BeforeEach
    void postgreSqlAnswered() {
        Assumptions.assumeTrue(noPostgreSql == null, noPostgreSql);
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (noPostgreSql == null) {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
            }
        }
    }

    @Test
    @Order(2)
    void insertsOnlyForTheNodeThatHoldsTheRunningRun() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            run(c, "held", "RUNNING", NODE);
            run(c, "other", "RUNNING", "node-b");
            run(c, "cancelled", "CANCELLED", NODE);

            assertThat(JpaFlowStore.insertHeld(c, NODE, checkpoint("held", 0))).isEqualTo(1);
            assertThat(JpaFlowStore.insertHeld(c, NODE, checkpoint("other", 0))).isZero();
            assertThat(JpaFlowStore.insertHeld(c, NODE, checkpoint("cancelled", 0)))
                    .isZero();
            assertThat(JpaFlowStore.insertHeld(c, NODE, checkpoint("missing", 0)))
                    .isZero();

            assertThat(steps(c, "held")).isEqualTo(1);
            assertThat(steps(c, "other") + steps(c, "cancelled") + steps(c, "missing"))
                    .isZero();
        }
    }

    // first: the other test's session may flush its index scans after this one's baseline
    @Test
    @Order(1)
    void findsTheRunByItsPrimaryKeyInAGenericPlanWhateverTheTableHolds() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            // a history: runs that ran and completed, whose RUNNING index entries are dead but not vacuumed
            execute(
                    c,
                    "INSERT INTO CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME, STATUS, OWNER, LEASE_UNTIL, CREATED_AT,"
                            + " UPDATED_AT, VERSION) SELECT 'done-' || g, 'f', 'run', 'RUNNING', '" + NODE + "',"
                            + " LOCALTIMESTAMP, LOCALTIMESTAMP, LOCALTIMESTAMP, 1 FROM generate_series(1, 300) g");
            execute(
                    c,
                    "UPDATE CRUX_FLOW_RUN SET STATUS = 'COMPLETED', OWNER = NULL, LEASE_UNTIL = NULL,"
                            + " UPDATED_AT = LOCALTIMESTAMP WHERE ID LIKE 'done-%'");
            run(c, "current", "RUNNING", NODE);
            // the plan a pool's prepared statement settles on after its first executions
            execute(c, "SET plan_cache_mode = force_generic_plan");
            Map<String, Long> before = indexScans(c);

            for (int position = 0; position < 10; position++) {
                assertThat(JpaFlowStore.insertHeld(c, NODE, checkpoint("current", position)))
                        .isEqualTo(1);
            }

            Map<String, Long> scans = indexScans(c);
            scans.replaceAll((index, n) -> n - before.getOrDefault(index, 0L));
            assertThat(scans)
                    .as("index scans of CRUX_FLOW_RUN during ten fenced checkpoints")
                    .containsEntry("crux_flow_run_pkey", 10L)
                    .allSatisfy((index, n) -> {
                        if (!index.equals("crux_flow_run_pkey")) {
                            assertThat(n).as(index).isZero();
                        }
                    });
        }
    }

    /** Index scans per index of CRUX_FLOW_RUN, this session's counts included. */
    private static Map<String, Long> indexScans(Connection c) throws SQLException {
        execute(c, "SELECT pg_stat_force_next_flush()"); // flushed when this statement's transaction ends
        Map<String, Long> scans = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes"
                        + " WHERE schemaname = '" + SCHEMA + "' AND relname = 'crux_flow_run'")) {
            while (rs.next()) {
                scans.put(rs.getString(1), rs.getLong(2));
            }
        }
        assertThat(scans).as("CRUX_FLOW_RUN's indexes").containsKey("crux_flow_run_pkey");
        return scans;
    }

    private static void run(Connection c, String id, String status, String owner) throws SQLException {
        execute(
                c,
                "INSERT INTO CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME, STATUS, OWNER, LEASE_UNTIL, CREATED_AT,"
                        + " UPDATED_AT, VERSION) VALUES ('" + id + "', 'f', 'run', '" + status + "', '" + owner
                        + "', LOCALTIMESTAMP, LOCALTIMESTAMP, LOCALTIMESTAMP, 1)");
    }

    private static long steps(Connection c, String flowId) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM CRUX_STEP WHERE FLOW_ID = '" + flowId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static StepCheckpointEntity checkpoint(String flowId, int position) {
        Instant now = Instant.now();
        return StepCheckpointEntity.from(
                new CheckpointRecord(
                        flowId,
                        position,
                        "step-" + position,
                        CheckpointKind.STEP,
                        "out",
                        null,
                        1,
                        false,
                        now,
                        now,
                        null),
                new JsonbPayloadCodec());
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
