package io.crux.ee.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import io.crux.ee.persistence.SchemaInstaller;

/** The readiness check's database probe, on an H2 database in memory. */
class DatabaseProbeTest {

    private static JdbcDataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return ds;
    }

    @Test
    void aDatabaseWithCruxTablesIsUp() {
        JdbcDataSource ds = h2("probe-up");
        SchemaInstaller.install(ds);

        DatabaseProbe probe = DatabaseProbe.of(ds, 2);

        assertThat(probe.up()).isTrue();
        assertThat(probe.database()).isEqualTo("H2");
        assertThat(probe.missingTables()).isEmpty();
    }

    @Test
    void aDatabaseWithoutTheSchemaNamesTheMissingTables() throws SQLException {
        JdbcDataSource ds = h2("probe-partial");
        SchemaInstaller.install(ds);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE CRUX_EVENT");
        }

        DatabaseProbe probe = DatabaseProbe.of(ds, 2);

        assertThat(probe.up()).isFalse();
        assertThat(probe.error()).isNull();
        assertThat(probe.missingTables()).containsExactly("CRUX_EVENT");
    }

    @Test
    void anUnreachableDatabaseSaysWhy() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:tcp://127.0.0.1:1/nowhere"); // nothing listens on port 1

        DatabaseProbe probe = DatabaseProbe.of(ds, 2);

        assertThat(probe.up()).isFalse();
        assertThat(probe.database()).isNull();
        assertThat(probe.error()).startsWith("JdbcSQLNonTransientConnectionException");
    }

    @Test
    void noDatasourceIsDown() {
        assertThat(DatabaseProbe.of(null, 2).error()).contains("crux.schema.datasource");
    }

    @Test
    void h2SaysUndefinedTableWithAStateTheProbeKnows() throws SQLException {
        JdbcDataSource ds = h2("probe-state");
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM CRUX_NOWHERE WHERE 1 = 0");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("42S04"); // H2 2.x, an empty database (error code 42104)
            assertThat(DatabaseProbe.undefinedTable(e)).isTrue();
        }
        SchemaInstaller.install(ds);
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1 FROM CRUX_NOWHERE WHERE 1 = 0");
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("42S02"); // error code 42102
            assertThat(DatabaseProbe.undefinedTable(e)).isTrue();
        }
    }

    @Test
    void aTableTheUserMayNotReadIsADatabaseErrorNotAMissingTable() throws SQLException {
        JdbcDataSource admin = h2("probe-rights");
        SchemaInstaller.install(admin);
        try (Connection c = admin.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE USER PROBE PASSWORD 'probe'");
        }
        JdbcDataSource probeUser = new JdbcDataSource();
        probeUser.setURL("jdbc:h2:mem:probe-rights"); // DB_CLOSE_DELAY needs admin rights
        probeUser.setUser("PROBE");
        probeUser.setPassword("probe");

        DatabaseProbe probe = DatabaseProbe.of(probeUser, 2);

        assertThat(probe.up()).isFalse();
        assertThat(probe.missingTables()).isEmpty();
        assertThat(probe.error())
                .startsWith("JdbcSQLNonTransientException: Not enough rights")
                .contains("CRUX_FLOW_RUN");
    }

    @Test
    void aQueryThatTimesOutIsADatabaseErrorAndEndsTheProbe() {
        JdbcDataSource h2 = h2("probe-timeout");
        SchemaInstaller.install(h2);
        AtomicInteger queries = new AtomicInteger();
        List<Integer> networkTimeouts = new ArrayList<>();
        DataSource ds = timingOut(h2, queries, networkTimeouts);

        DatabaseProbe probe = DatabaseProbe.of(ds, 3);

        assertThat(probe.up()).isFalse();
        assertThat(probe.missingTables()).isEmpty();
        assertThat(probe.error()).isEqualTo("SQLTimeoutException: canceling statement due to statement timeout");
        assertThat(queries).hasValue(1); // the worst case is one time-out, not seven
        // bounded while probing (H2 has no network time-out and reports 0), then given back as it was
        assertThat(networkTimeouts).containsExactly(3000, 0);
    }

    /** A datasource whose queries time out as PostgreSQL's do (57014), and which records network time-outs. */
    private static DataSource timingOut(JdbcDataSource h2, AtomicInteger queries, List<Integer> networkTimeouts) {
        return (DataSource) Proxy.newProxyInstance(
                DatabaseProbeTest.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, args) -> {
                    if (!m.getName().equals("getConnection")) {
                        return invoke(m, h2, args);
                    }
                    Connection real = h2.getConnection();
                    return Proxy.newProxyInstance(
                            DatabaseProbeTest.class.getClassLoader(),
                            new Class<?>[] {Connection.class},
                            (pc, mc, ac) -> {
                                switch (mc.getName()) {
                                    case "setNetworkTimeout" -> {
                                        networkTimeouts.add((Integer) ac[1]);
                                        return null;
                                    }
                                    case "getNetworkTimeout" -> {
                                        return 0;
                                    }
                                    case "createStatement" -> {
                                        Statement rs = real.createStatement();
                                        return Proxy.newProxyInstance(
                                                DatabaseProbeTest.class.getClassLoader(),
                                                new Class<?>[] {Statement.class},
                                                (ps, ms, as) -> {
                                                    if (ms.getName().equals("executeQuery")) {
                                                        queries.incrementAndGet();
                                                        throw new SQLTimeoutException(
                                                                "canceling statement due to statement timeout",
                                                                "57014");
                                                    }
                                                    return invoke(ms, rs, as);
                                                });
                                    }
                                    default -> {
                                        return invoke(mc, real, ac);
                                    }
                                }
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
