package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.ds.PGSimpleDataSource;

import io.crux.ee.spi.NodeRecord;

/**
 * The node ids' rows ({@code CRUX_NODE}) on H2 and PostgreSQL with the shipped DDL: one holder at a
 * time, taken over only when released, stale, or by whoever read the last write. PostgreSQL as in
 * {@link RunStatementsPostgreSqlTest} (schema {@code crux_unit_node}); skipped with the reason when it
 * does not answer, unless {@code -Dcrux.test.postgresql=required}.
 */
class NodeRowsTest {

    private static final String SCHEMA = "crux_unit_node";
    private static final Duration FRESH = Duration.ofHours(1);
    /** A hold renewed a second in the future is stale now: the row's time is always before it. */
    private static final Duration STALE = Duration.ofSeconds(-1);

    private static JdbcDataSource h2;
    private static PGSimpleDataSource pg;
    private static String noPostgreSql;
    private static int ids;

    private final NodeRecord a = new NodeRecord("node-x", "incarnation-a", "host-a", "boot-a", 11, 1_000, 0, null);
    private final NodeRecord b = new NodeRecord("node-x", "incarnation-b", "host-b", "boot-b", 22, 2_000, 0, null);

    @BeforeAll
    static void setUp() {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:noderows" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        SchemaInstaller.install(h2);
        pg = new PGSimpleDataSource();
        pg.setServerNames(new String[] {env("CRUX_DB_HOST", "127.0.0.1")});
        pg.setPortNumbers(new int[] {Integer.parseInt(env("CRUX_DB_PORT", "5432"))});
        pg.setDatabaseName(env("CRUX_DB_NAME", "test"));
        pg.setUser(env("CRUX_DB_USER", "postgres"));
        pg.setPassword(env("CRUX_DB_PASSWORD", ""));
        try (Connection c = pg.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
            pg.setCurrentSchema(SCHEMA);
            SchemaInstaller.install(pg);
        } catch (SQLException | RuntimeException e) {
            noPostgreSql = "this test needs PostgreSQL at " + pg.getUrl()
                    + " (CRUX_DB_HOST, CRUX_DB_PORT, CRUX_DB_NAME, CRUX_DB_USER, CRUX_DB_PASSWORD), which answered: "
                    + e;
            if ("required".equals(System.getProperty("crux.test.postgresql"))) {
                fail(noPostgreSql + " (-Dcrux.test.postgresql=required)");
            }
        }
    }

    @AfterAll
    static void dropSchema() throws SQLException {
        if (noPostgreSql == null) {
            try (Connection c = pg.getConnection();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
            }
        }
    }

    static Stream<String> kinds() {
        return Stream.of("h2", "postgresql");
    }

    private static Connection connect(String database) throws SQLException {
        if (database.equals("postgresql")) {
            Assumptions.assumeTrue(noPostgreSql == null, noPostgreSql);
        }
        DataSource ds = database.equals("h2") ? h2 : pg;
        Connection c = ds.getConnection();
        c.setAutoCommit(true);
        return c;
    }

    /** A node id of the test's own, so that tests on one database do not meet. */
    private NodeRecord as(NodeRecord who, String nodeId) {
        return new NodeRecord(
                nodeId, who.incarnation(), who.host(), who.machine(), who.pid(), who.processStarted(), 0, null);
    }

    private static synchronized String newId() {
        return "node-" + ++ids;
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void theFirstHolderKeepsTheIdWhileItRenewsIt(String database) throws SQLException {
        String id = newId();
        try (Connection c = connect(database)) {
            assertThat(NodeRows.hold(c, as(a, id), FRESH).incarnation()).isEqualTo("incarnation-a");
            assertThat(NodeRows.hold(c, as(a, id), FRESH).incarnation()).isEqualTo("incarnation-a");
            assertThat(beats(c, id)).as("the insert, then one renewal").isEqualTo(1);

            NodeRecord holder = NodeRows.hold(c, as(b, id), FRESH);

            assertThat(holder.incarnation()).isEqualTo("incarnation-a");
            assertThat(holder.host()).isEqualTo("host-a");
            assertThat(holder.machine()).isEqualTo("boot-a");
            assertThat(holder.pid()).isEqualTo(11);
            assertThat(holder.processStarted()).isEqualTo(1_000);
            assertThat(holder.seenAt()).isNotNull();
            assertThat(beats(c, id)).as("a refused hold writes nothing").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aHoldThatWasNotRenewedForTheStaleTimeIsTakenOver(String database) throws SQLException {
        String id = newId();
        try (Connection c = connect(database)) {
            NodeRows.hold(c, as(a, id), FRESH);

            assertThat(NodeRows.hold(c, as(b, id), STALE).incarnation()).isEqualTo("incarnation-b");
            assertThat(NodeRows.hold(c, as(a, id), FRESH).incarnation())
                    .as("the old holder finds the id gone")
                    .isEqualTo("incarnation-b");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aReleasedIdIsTakenAtOnceAndOnlyItsHolderReleasesIt(String database) throws SQLException {
        String id = newId();
        try (Connection c = connect(database)) {
            NodeRows.hold(c, as(a, id), FRESH);
            NodeRows.release(c, id, "incarnation-b");
            assertThat(NodeRows.hold(c, as(b, id), FRESH).incarnation())
                    .as("another's release changes nothing")
                    .isEqualTo("incarnation-a");

            NodeRows.release(c, id, "incarnation-a");

            assertThat(NodeRows.hold(c, as(b, id), FRESH).incarnation()).isEqualTo("incarnation-b");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void aTakeOverNeedsTheLastWriteToHaveBeenSeen(String database) throws SQLException {
        String id = newId();
        try (Connection c = connect(database)) {
            NodeRows.hold(c, as(a, id), FRESH);
            NodeRecord seen = NodeRows.hold(c, as(b, id), FRESH);
            NodeRows.hold(c, as(a, id), FRESH); // a renews after b read the row

            assertThat(NodeRows.take(c, as(b, id), seen)).isFalse();
            assertThat(NodeRows.hold(c, as(b, id), FRESH).incarnation()).isEqualTo("incarnation-a");

            NodeRecord now = NodeRows.hold(c, as(b, id), FRESH);
            assertThat(NodeRows.take(c, as(b, id), now)).isTrue();
            assertThat(NodeRows.hold(c, as(a, id), FRESH).incarnation()).isEqualTo("incarnation-b");
        }
    }

    private static long beats(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT BEATS FROM CRUX_NODE WHERE NODE_ID = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> beats = new ArrayList<>();
                while (rs.next()) {
                    beats.add(rs.getLong(1));
                }
                assertThat(beats).hasSize(1);
                return beats.get(0);
            }
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
