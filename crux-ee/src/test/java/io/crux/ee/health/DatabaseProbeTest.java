package io.crux.ee.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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
}
