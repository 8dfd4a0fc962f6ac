package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.BooleanSupplier;

import jakarta.persistence.PersistenceException;

/** Whether the persistence unit's database is PostgreSQL: asked once, then remembered. */
final class DatabaseKind {

    private volatile Boolean postgreSql;

    /**
     * @param ask finds the answer on a connection, with {@link #isPostgreSql(Connection)}; called
     *     until one call has answered
     * @return whether the database is PostgreSQL
     */
    boolean isPostgreSql(BooleanSupplier ask) {
        Boolean pg = postgreSql;
        if (pg == null) {
            pg = ask.getAsBoolean();
            postgreSql = pg;
        }
        return pg;
    }

    /** @param connection a connection of the persistence unit, inside a transaction */
    static boolean isPostgreSql(Connection connection) {
        try {
            return connection
                    .getMetaData()
                    .getDatabaseProductName()
                    .toLowerCase(Locale.ROOT)
                    .contains("postgres");
        } catch (SQLException e) {
            throw new PersistenceException(e);
        }
    }
}
