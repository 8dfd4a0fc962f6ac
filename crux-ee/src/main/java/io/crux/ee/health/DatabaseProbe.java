package io.crux.ee.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * What a readiness check learns from crux-ee's datasource: the database's product name, and which
 * of crux-ee's tables cannot be read. Immutable.
 *
 * @param database the product name, or {@code null} when no connection could be had
 * @param missingTables the tables that a query could not read
 * @param error why the database could not be asked, or {@code null}
 */
record DatabaseProbe(String database, List<String> missingTables, String error) {

    /** The tables of the shipped DDL ({@code META-INF/crux/ddl}). */
    static final List<String> TABLES = List.of(
            "CRUX_FLOW_RUN", "CRUX_STEP", "CRUX_SUSPENSION", "CRUX_SESSION", "CRUX_STATE", "CRUX_ITEM", "CRUX_EVENT");

    DatabaseProbe {
        missingTables = List.copyOf(missingTables);
    }

    /** @return whether the database answered and every table is there */
    boolean up() {
        return error == null && missingTables.isEmpty();
    }

    /**
     * Takes a connection and reads none of each table's rows, each query bounded by the timeout.
     * Reading tells more than the metadata: it also fails when the tables exist in a schema the
     * connection does not search, or when the user may not read them.
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
            String product = c.getMetaData().getDatabaseProductName();
            List<String> missing = new ArrayList<>();
            for (String table : TABLES) {
                try (Statement s = c.createStatement()) {
                    s.setQueryTimeout(timeoutSeconds);
                    s.executeQuery("SELECT 1 FROM " + table + " WHERE 1 = 0").close();
                } catch (SQLException e) {
                    if (lost(c, e)) {
                        return new DatabaseProbe(product, missing, describe(e));
                    }
                    missing.add(table);
                }
            }
            return new DatabaseProbe(product, missing, null);
        } catch (SQLException | RuntimeException e) {
            return new DatabaseProbe(null, List.of(), describe(e));
        }
    }

    /** Whether a failed query failed because the connection did (SQL state class 08), not the table. */
    private static boolean lost(Connection c, SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return true;
        }
        try {
            return c.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.strip());
    }
}
