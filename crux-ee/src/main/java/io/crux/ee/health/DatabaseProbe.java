package io.crux.ee.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * What a readiness check learns from crux-ee's datasource: the database's product name, and which
 * of crux-ee's tables are not there. Immutable.
 *
 * @param database the product name, or {@code null} when no connection could be had
 * @param missingTables the tables that the database says do not exist
 * @param error why the database could not be asked (it failed, timed out, refused), or {@code null}
 */
record DatabaseProbe(String database, List<String> missingTables, String error) {

    /** The tables of the shipped DDL ({@code META-INF/crux/ddl}). */
    static final List<String> TABLES = List.of(
            "CRUX_FLOW_RUN",
            "CRUX_STEP",
            "CRUX_SUSPENSION",
            "CRUX_SESSION",
            "CRUX_STATE",
            "CRUX_RESOURCE",
            "CRUX_ITEM",
            "CRUX_EVENT",
            "CRUX_NODE");

    /**
     * The SQL states that mean "no such table": PostgreSQL 42P01; 42S02 (H2 2.x, whose error code
     * is 42102, MySQL, SQL Server); H2 2.x's 42S03 and 42S04 (error codes 42103, "not found, did you
     * mean", and 42104, "not found, the database is empty"); Derby 42X05. Any other
     * failure (a time-out, a refused right, a lost connection) is a database error, not a missing table.
     */
    static final Set<String> UNDEFINED_TABLE = Set.of("42P01", "42S02", "42S03", "42S04", "42X05");

    /**
     * Runs the drivers' network time-out (an abort when the database stops answering). One daemon
     * thread that lives only while it has work: the drivers give it a task only when a time-out fires.
     */
    private static final ExecutorService NETWORK_TIMEOUTS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "crux-health-network-timeout");
        t.setDaemon(true);
        return t;
    });

    /**
     * The database was not asked: {@code crux.health.database=false}, or the flow store is not
     * crux-ee's JPA store (its runs live elsewhere). Up.
     */
    static final DatabaseProbe NOT_PROBED = new DatabaseProbe(null, List.of(), null);

    DatabaseProbe {
        missingTables = List.copyOf(missingTables);
    }

    /** @return whether the database was asked (a probe always learns a product name or an error) */
    boolean probed() {
        return database != null || error != null;
    }

    /** @return whether the database answered and every table is there */
    boolean up() {
        return error == null && missingTables.isEmpty();
    }

    /**
     * Takes a connection and reads none of each table's rows. Each query is bounded by the
     * timeout, and so is the connection's network (where the driver supports it), so that a database
     * that stops answering cannot hold the probe. The probe stops at the first error that is not a
     * missing table, so that the worst case is one time-out. Reading tells more than the metadata: it
     * also fails when the tables exist in a schema the connection does not search (missing), or when
     * the user may not read them (an error). Getting the connection waits as long as the pool lets it.
     *
     * @param dataSource crux-ee's datasource
     * @param timeoutSeconds the most each query may take
     * @return what it found
     */
    static DatabaseProbe of(DataSource dataSource, int timeoutSeconds) {
        if (dataSource == null) {
            return new DatabaseProbe(null, List.of(), "no datasource (crux.schema.datasource) was found");
        }
        try (Connection c = dataSource.getConnection()) {
            Integer networkTimeout = boundNetwork(c, NETWORK_TIMEOUTS, timeoutSeconds * 1000);
            try {
                String product = c.getMetaData().getDatabaseProductName();
                List<String> missing = new ArrayList<>();
                for (String table : TABLES) {
                    try (Statement s = c.createStatement()) {
                        s.setQueryTimeout(timeoutSeconds);
                        s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0")
                                .close();
                    } catch (SQLException e) {
                        if (!undefinedTable(e)) {
                            return new DatabaseProbe(product, missing, describe(e));
                        }
                        missing.add(table);
                    }
                }
                return new DatabaseProbe(product, missing, null);
            } finally {
                restoreNetwork(c, networkTimeout);
            }
        } catch (SQLException | RuntimeException e) {
            return new DatabaseProbe(null, List.of(), describe(e));
        }
    }

    /** Whether a failed query failed because its table does not exist (by SQL state). */
    static boolean undefinedTable(SQLException e) {
        return e.getSQLState() != null && UNDEFINED_TABLE.contains(e.getSQLState());
    }

    /** Sets the network time-out; @return the one to restore, or {@code null} if the driver has none */
    private static Integer boundNetwork(Connection c, Executor executor, int millis) throws SQLException {
        try {
            int before = c.getNetworkTimeout();
            c.setNetworkTimeout(executor, millis);
            return before;
        } catch (SQLFeatureNotSupportedException | UnsupportedOperationException | AbstractMethodError e) {
            return null; // the driver (or the pool's wrapper) has none: the query time-out still holds
        }
    }

    /** Gives a pooled connection back as it was taken. */
    private static void restoreNetwork(Connection c, Integer before) {
        if (before == null) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.setNetworkTimeout(NETWORK_TIMEOUTS, before);
            }
        } catch (SQLException | RuntimeException e) {
            // the connection broke; the pool discards it
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
    }
}
