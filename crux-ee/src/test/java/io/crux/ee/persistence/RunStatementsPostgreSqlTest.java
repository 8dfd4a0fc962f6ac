package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postgresql.ds.PGSimpleDataSource;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * PostgreSQL's statements of a running run, as the store binds them, against the shipped DDL: the
 * checkpoint's fenced insert ({@link RunFence#insertCheckpoint}) and the run row's start and end
 * ({@link PgRunRows}), and the checkpoint that commits on a connection of its own outside a
 * transaction. The fenced ones write only for the node that holds the running run, and they
 * find the run by its primary key even in a generic plan. A fence that named the status in its
 * lookup let PostgreSQL cache a plan that walked a status index ({@code CRUX_FLOW_RUN_STATUS} here,
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
class RunStatementsPostgreSqlTest {

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

            assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("held", 0)))
                    .isEqualTo(1);
            assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("other", 0)))
                    .isZero();
            assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("cancelled", 0)))
                    .isZero();
            assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("missing", 0)))
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
                assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("current", position)))
                        .isEqualTo(1);
            }

            assertThat(PgRunRows.finish(
                            c, "current", NODE, FlowStatus.COMPLETED, null, null, Instant.now(), id -> null))
                    .isNotNull();

            Map<String, Long> scans = indexScans(c);
            scans.replaceAll((index, n) -> n - before.getOrDefault(index, 0L));
            assertThat(scans)
                    .as("index scans of CRUX_FLOW_RUN during ten fenced checkpoints and the run's end")
                    .containsEntry("crux_flow_run_pkey", 12L) // the end: its lock, then its update
                    .allSatisfy((index, n) -> {
                        if (!index.equals("crux_flow_run_pkey")) {
                            assertThat(n).as(index).isZero();
                        }
                    });
        }
    }

    @Test
    @Order(3)
    void startsAndEndsARunRowWithTheRecordsColumns() throws SQLException {
        Instant created = Instant.parse("2026-12-06T10:15:30.123456Z");
        RunRecord run = new RunRecord(
                "started",
                "expense",
                "submit",
                FlowStatus.RUNNING,
                "parent-1",
                "session-1",
                "user-1",
                "project-1",
                true,
                new Payload("java.lang.String", "\"in\""),
                null,
                null,
                null,
                NODE,
                created.plusSeconds(30),
                created,
                created.plusMillis(250),
                0,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        try (Connection c = dataSource.getConnection()) {
            Instant dbNow = databaseNow(c);
            PgRunRows.insert(c, run, Duration.ofSeconds(30));

            RunRecord stored = readRun(c, "started");
            assertThat(stored)
                    .usingRecursiveComparison()
                    .ignoringFields("leaseUntil", "version")
                    .isEqualTo(run);
            assertThat(stored.version()).isEqualTo(1);
            // the lease is measured on the database's clock, read as JpaFlowStore.databaseNow reads it
            assertThat(stored.leaseUntil())
                    .isBetween(dbNow.plusSeconds(30), databaseNow(c).plusSeconds(30));

            Instant ended = created.plusSeconds(5);
            RunRecord finished = PgRunRows.finish(
                    c,
                    "started",
                    NODE,
                    FlowStatus.COMPLETED,
                    new Payload("java.lang.Integer", "42"),
                    "none",
                    ended,
                    id -> fail("a run that never suspended has no suspension to read, asked for " + id));

            assertThat(finished)
                    .usingRecursiveComparison()
                    .isEqualTo(new RunRecord(
                            "started",
                            "expense",
                            "submit",
                            FlowStatus.COMPLETED,
                            "parent-1",
                            "session-1",
                            "user-1",
                            "project-1",
                            true,
                            run.input(),
                            new Payload("java.lang.Integer", "42"),
                            "none",
                            null,
                            null,
                            null,
                            created,
                            ended,
                            2,
                            run.traceParent()));
            assertThat(readRun(c, "started")).usingRecursiveComparison().isEqualTo(finished);
        }
    }

    @Test
    @Order(4)
    void endsOnlyTheRunningRunOfItsHolderAndKeepsTheOutputItIsNotGiven() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            run(c, "end-other", "RUNNING", "node-b");
            run(c, "end-cancelled", "CANCELLED", NODE);
            run(c, "end-suspended", "RUNNING", NODE);
            execute(
                    c,
                    "UPDATE CRUX_FLOW_RUN SET SUSPENSION_ID = 'end-suspended#3', OUTPUT_TYPE = 'kept',"
                            + " OUTPUT_JSON = '1' WHERE ID = 'end-suspended'");
            SuspensionRecord suspension = new SuspensionRecord(
                    3, "approval", "java.lang.String", Instant.parse("2026-12-06T10:00:00Z"), null);

            for (String id : new String[] {"end-other", "end-cancelled", "end-missing"}) {
                assertThat(PgRunRows.finish(c, id, NODE, FlowStatus.FAILED, null, "x", Instant.now(), s -> null))
                        .as(id)
                        .isNull();
            }
            RunRecord ended =
                    PgRunRows.finish(c, "end-suspended", NODE, FlowStatus.FAILED, null, "broke", Instant.now(), id -> {
                        assertThat(id).isEqualTo("end-suspended#3");
                        return suspension;
                    });

            assertThat(readRun(c, "end-other").status()).isEqualTo(FlowStatus.RUNNING);
            assertThat(readRun(c, "end-other").version()).isEqualTo(1);
            assertThat(readRun(c, "end-cancelled").owner()).isEqualTo(NODE);
            assertThat(ended.status()).isEqualTo(FlowStatus.FAILED);
            assertThat(ended.error()).isEqualTo("broke");
            assertThat(ended.output()).isEqualTo(new Payload("kept", "1"));
            assertThat(ended.suspension()).isEqualTo(suspension);
            assertThat(ended.owner()).isNull();
        }
    }

    @Test
    @Order(5)
    void aCheckpointOutsideATransactionCommitsOnAConnectionOfItsOwnOnlyForTheHolder() throws SQLException {
        TransactionsTest.FakeJta jta = new TransactionsTest.FakeJta();
        Transactions.use(new Transactions.Jta(jta, jta));
        Lending own = new Lending(dataSource);
        JpaFlowStore store = store(own);
        try (Connection c = dataSource.getConnection()) {
            run(c, "local-held", "RUNNING", NODE);
            run(c, "local-other", "RUNNING", "node-b");
            run(c, "local-cancelled", "CANCELLED", NODE);

            store.saveCheckpointHolding(NODE, record("local-held", 0));

            assertThat(steps(c, "local-held"))
                    .as("committed, seen from another connection")
                    .isEqualTo(1);
            assertThat(jta.commits)
                    .as("only the one transaction that asked which database this is")
                    .isEqualTo(1);
            assertThat(own.lent).as("one connection of its own").hasSize(1);

            assertThatThrownBy(() -> store.saveCheckpointHolding(NODE, record("local-other", 0)))
                    .isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> store.saveCheckpointHolding(NODE, record("local-cancelled", 0)))
                    .isInstanceOf(FlowCancelledException.class);
            assertThatThrownBy(() -> store.saveCheckpointHolding(NODE, record("local-held", 0)))
                    .as("the position is taken")
                    .isInstanceOf(FlowConflictException.class);
            assertThat(steps(c, "local-held") + steps(c, "local-other") + steps(c, "local-cancelled"))
                    .as("the refused writes wrote nothing")
                    .isEqualTo(1);
            assertThat(jta.commits + jta.rollbacks)
                    .as("no JTA transaction for them")
                    .isEqualTo(1);
            assertThat(own.lent).hasSize(4);
            for (Connection lent : own.lent) {
                assertThat(lent.isClosed()).as("given back").isTrue();
            }
            assertThat(own.autoCommitAtClose)
                    .as("given back in autocommit mode, as lent")
                    .containsOnly(true);
        } finally {
            Transactions.use(null);
        }
    }

    @Test
    @Order(6)
    void aCheckpointInsideACallersTransactionJoinsIt() throws SQLException {
        TransactionsTest.FakeJta jta = new TransactionsTest.FakeJta();
        Transactions.use(new Transactions.Jta(jta, jta));
        Lending own = new Lending(dataSource);
        JpaFlowStore store = store(own);
        try (Connection c = dataSource.getConnection()) {
            run(c, "joined", "RUNNING", NODE);
            jta.begin(); // a transactional step's; the fake's statements autocommit

            store.saveCheckpointHolding(NODE, record("joined", 0));

            assertThat(own.lent).as("no connection of its own").isEmpty();
            assertThat(steps(c, "joined")).isEqualTo(1);
        } finally {
            Transactions.use(null);
        }
    }

    @Test
    @Order(7)
    void aRunsRowOutsideATransactionStartsAndEndsOnConnectionsOfItsOwn() throws SQLException {
        TransactionsTest.FakeJta jta = new TransactionsTest.FakeJta();
        Transactions.use(new Transactions.Jta(jta, jta));
        Lending own = new Lending(dataSource);
        JpaFlowStore store = store(own);
        try (Connection c = dataSource.getConnection()) {
            store.createRun(newRun("created-alone"));

            RunRecord stored = readRun(c, "created-alone");
            assertThat(stored.status())
                    .as("committed, seen from another connection")
                    .isEqualTo(FlowStatus.RUNNING);
            assertThat(stored.owner()).isEqualTo(NODE);
            assertThat(Duration.between(databaseNow(c), stored.leaseUntil()))
                    .as("leased on the database's clock")
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(jta.commits)
                    .as("only the one transaction that asked which database this is")
                    .isEqualTo(1);

            assertThatThrownBy(() -> store.createRun(newRun("created-alone")))
                    .isInstanceOf(FlowConflictException.class)
                    .hasMessage(Messages.runIdTaken("created-alone"));
            assertThat(jta.commits + jta.rollbacks)
                    .as("no JTA transaction for either")
                    .isEqualTo(1);
            assertThat(own.lent).hasSize(2);
            for (Connection lent : own.lent) {
                assertThat(lent.isClosed()).as("given back").isTrue();
            }
            assertThat(own.autoCommitAtClose).containsOnly(true);

            RunRecord ended = store.finish(
                    "created-alone", NODE, FlowStatus.COMPLETED, new Payload("java.lang.String", "\"out\""), null);

            assertThat(readRun(c, "created-alone"))
                    .as("committed, seen from another connection")
                    .usingRecursiveComparison()
                    .isEqualTo(ended);
            assertThat(ended.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(ended.owner()).isNull();
            assertThat(ended.output()).isEqualTo(new Payload("java.lang.String", "\"out\""));
            assertThat(jta.commits + jta.rollbacks)
                    .as("no JTA transaction for it")
                    .isEqualTo(1);
            assertThat(own.lent).hasSize(3);
            assertThat(own.lent.get(2).isClosed()).isTrue();

            store.createRun(newRun("created-suspended"));
            execute(c, "UPDATE CRUX_FLOW_RUN SET SUSPENSION_ID = 'created-suspended#1' WHERE ID = 'created-suspended'");
            assertThat(PgRunRows.finishNeverSuspended(
                            c, "created-suspended", NODE, FlowStatus.COMPLETED, null, null, Instant.now()))
                    .as("a run that suspended before is not ended alone: JpaFlowStore.finish then goes the JTA way (on"
                            + " PostgreSQL, CancelAndConflictIT signals such a run to its end)")
                    .isNull();
            assertThat(readRun(c, "created-suspended").status()).isEqualTo(FlowStatus.RUNNING);

            jta.begin(); // a caller's: the row's start and end join it
            store.createRun(newRun("created-joined"));
            RunRecord joined = store.finish("created-joined", NODE, FlowStatus.COMPLETED, null, null);

            assertThat(own.lent).as("no connection of its own").hasSize(4);
            assertThat(joined.status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(readRun(c, "created-joined").status()).isEqualTo(FlowStatus.COMPLETED);
        } finally {
            Transactions.use(null);
        }
    }

    private static RunRecord newRun(String flowId) {
        Instant now = Instant.now();
        return new RunRecord(
                flowId,
                "f",
                "a",
                FlowStatus.RUNNING,
                null,
                null,
                null,
                null,
                false,
                new Payload("java.lang.String", "\"in\""),
                null,
                null,
                null,
                NODE,
                now.plusSeconds(30),
                now,
                now,
                0,
                null);
    }

    /** A store whose JTA-side connections autocommit (the fake transaction has no resources). */
    private static JpaFlowStore store(DataSource own) {
        JpaFlowStore store = new JpaFlowStore();
        store.dataSource = dataSource;
        store.ownConnections = own;
        return store;
    }

    private static CheckpointRecord record(String flowId, int position) {
        Instant now = Instant.now();
        return new CheckpointRecord(
                flowId, position, "step-" + position, CheckpointKind.STEP, "out", null, 1, false, now, now, null);
    }

    /** A datasource that keeps the connections it lent, and whether each was in autocommit mode when closed. */
    private static final class Lending extends PGSimpleDataSource {
        final List<Connection> lent = new ArrayList<>();
        final List<Boolean> autoCommitAtClose = new ArrayList<>();
        private final PGSimpleDataSource target;

        Lending(PGSimpleDataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection real = target.getConnection();
            Connection handle = (Connection) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            autoCommitAtClose.add(real.getAutoCommit());
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            lent.add(handle);
            return handle;
        }
    }

    /** The database's clock, read as {@code JpaFlowStore.databaseNow} reads it (each read its own transaction). */
    private static Instant databaseNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        }
    }

    /** The run's row as the entity would read it (its suspension left out). */
    private static RunRecord readRun(Connection c, String id) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM CRUX_FLOW_RUN WHERE ID = '" + id + "'")) {
            assertThat(rs.next()).as("the row of " + id).isTrue();
            String outputType = rs.getString("OUTPUT_TYPE");
            return new RunRecord(
                    rs.getString("ID"),
                    rs.getString("FLOW_NAME"),
                    rs.getString("ACTION_NAME"),
                    FlowStatus.valueOf(rs.getString("STATUS")),
                    rs.getString("PARENT_ID"),
                    rs.getString("SESSION_ID"),
                    rs.getString("USER_ID"),
                    rs.getString("PROJECT_ID"),
                    rs.getBoolean("EVENTS"),
                    new Payload(rs.getString("INPUT_TYPE"), rs.getString("INPUT_JSON")),
                    outputType == null ? null : new Payload(outputType, rs.getString("OUTPUT_JSON")),
                    rs.getString("ERROR"),
                    null,
                    rs.getString("OWNER"),
                    rs.getTimestamp("LEASE_UNTIL") == null
                            ? null
                            : rs.getTimestamp("LEASE_UNTIL").toInstant(),
                    rs.getTimestamp("CREATED_AT").toInstant(),
                    rs.getTimestamp("UPDATED_AT").toInstant(),
                    rs.getLong("VERSION"),
                    rs.getString("TRACE_PARENT"));
        }
    }

    /**
     * The shipped DDL keeps a run's index writes to what its queries need: a checkpoint writes to
     * {@code CRUX_STEP}'s primary key alone, (FLOW_ID, POSITION), through which a run's rows load in
     * order and which refuses a position twice; the parent's, user's and session's indexes of
     * {@code CRUX_FLOW_RUN} hold only runs that have the column. A query that filters on the column
     * with a bound parameter, as the store's do, can still use each in the generic plan a pooled
     * statement settles on (seen with sequential scans off: on this near-empty table the planner
     * would otherwise read the table).
     */
    @Test
    @Order(8)
    void indexesOnlyWhatItsQueriesFindWithBoundParameters() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            run(c, "keyed", "RUNNING", NODE);
            assertThat(RunFence.insertCheckpoint(c, NODE, checkpoint("keyed", 0)))
                    .isEqualTo(1);
            // a row of the same position under another ID: only a key on (FLOW_ID, POSITION) refuses it
            assertThatThrownBy(() -> execute(
                            c,
                            "INSERT INTO CRUX_STEP (ID, FLOW_ID, POSITION, LABEL, KIND, ATTEMPTS, FALLBACK,"
                                    + " COMPLETED_AT, VERSION) VALUES ('another id', 'keyed', 0, 'step-0', 'STEP',"
                                    + " 1, false, LOCALTIMESTAMP, 1)"))
                    .isInstanceOfSatisfying(
                            SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"));
            assertThat(indexes(c, "crux_step")).containsOnlyKeys("crux_step_pkey");
            assertThat(indexes(c, "crux_flow_run"))
                    .containsEntry("crux_flow_run_parent", "(parent_id IS NOT NULL)")
                    .containsEntry("crux_flow_run_user", "(user_id IS NOT NULL)")
                    .containsEntry("crux_flow_run_session", "(session_id IS NOT NULL)");

            execute(c, "SET plan_cache_mode = force_generic_plan");
            execute(c, "SET enable_seqscan = off");
            try {
                assertThat(genericPlan(c, "SELECT POSITION FROM CRUX_STEP WHERE FLOW_ID = $1 ORDER BY POSITION"))
                        .contains("crux_step_pkey");
                assertThat(genericPlan(
                                c,
                                "SELECT ID FROM CRUX_FLOW_RUN WHERE PARENT_ID = $1"
                                        + " AND STATUS IN ('RUNNING', 'SUSPENDED') ORDER BY CREATED_AT"))
                        .contains("crux_flow_run_parent");
                for (Map.Entry<String, String> filter : Map.of(
                                "USER_ID", "crux_flow_run_user", "SESSION_ID", "crux_flow_run_session")
                        .entrySet()) {
                    assertThat(genericPlan(
                                    c,
                                    "SELECT r.ID FROM CRUX_FLOW_RUN r WHERE r." + filter.getKey()
                                            + " = $1 ORDER BY r.CREATED_AT DESC, r.ID DESC LIMIT 20"))
                            .as(filter.getKey())
                            .contains(filter.getValue());
                }
            } finally {
                execute(c, "RESET enable_seqscan");
                execute(c, "RESET plan_cache_mode");
            }
        }
    }

    /** The indexes of a table of the test's schema, each with its predicate (or "" when it has none). */
    private static Map<String, String> indexes(Connection c, String table) throws SQLException {
        Map<String, String> found = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT i.relname, pg_get_expr(x.indpred, x.indrelid) FROM pg_index x"
                        + " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " WHERE n.nspname = '" + SCHEMA + "' AND t.relname = '" + table + "'")) {
            while (rs.next()) {
                found.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
            }
        }
        return found;
    }

    /** The generic plan of a statement with one text parameter, as EXPLAIN prints it. */
    private static String genericPlan(Connection c, String sql) throws SQLException {
        execute(c, "PREPARE crux_plan (varchar) AS " + sql);
        StringBuilder plan = new StringBuilder();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("EXPLAIN EXECUTE crux_plan ('x')")) {
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
        } finally {
            execute(c, "DEALLOCATE crux_plan");
        }
        return plan.toString();
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
