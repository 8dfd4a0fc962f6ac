package io.crux.ee.bench.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The baseline every durable step is measured against: one row of JSON inserted into {@code
 * BENCH_BARE_INSERT} through a pooled connection, committed on its own. Benchmarks 2 and 7, and 7 on
 * DBOS, insert through this class, so that they compare with the same thing.
 */
public final class BareInsert {

    static final String TABLE = "BENCH_BARE_INSERT";

    private static final String INSERT = "INSERT INTO " + TABLE + " (ID, PAYLOAD) VALUES (?, ?)";

    private BareInsert() {}

    /** Creates the table in the connection's current schema unless it is there. */
    public static void ensureTable(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (ID VARCHAR(140) NOT NULL PRIMARY KEY, PAYLOAD TEXT)");
        }
    }

    /**
     * One bare insert: a pooled connection, one INSERT and, unless {@code autocommit}, {@code
     * setAutoCommit(false)} before it and {@code commit()} after it.
     */
    public static void insert(DataSource dataSource, String id, String json, boolean autocommit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!autocommit) {
                c.setAutoCommit(false);
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, id);
                ps.setString(2, json);
                ps.executeUpdate();
            }
            if (!autocommit) {
                c.commit();
            }
        }
    }
}
