package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

import jakarta.persistence.PersistenceException;

/**
 * JDBC work inside the current JTA transaction, on the connection the persistence unit writes with.
 *
 * <p>{@code EntityManager.unwrap(Connection.class)} would be shorter, but only EclipseLink allows
 * it (Hibernate answers "cannot unwrap interface java.sql.Connection"). Instead the work takes a
 * connection from the unit's own JTA datasource, injected as a shareable resource: within one
 * transaction the container hands out handles of the one physical connection enlisted in it
 * (Jakarta Connectors, connection sharing), which is the connection the provider uses. Closing the
 * handle gives it back; the connection stays in the transaction until it ends. Statements do not
 * see what the entity manager has not flushed yet: callers flush first where that matters (not
 * always, since a flush in the middle of a change would write a row twice).
 */
final class UnitConnection {

    private UnitConnection() {}

    /** JDBC work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * @param shared the unit's datasource ({@code java:comp/DefaultDataSource}), shareable
     * @param work what to run on the transaction's connection
     * @return what the work returns; an {@link SQLException} becomes a {@link PersistenceException}
     */
    static <T> T run(DataSource shared, Work<T> work) {
        try (Connection c = shared.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new PersistenceException(e);
        }
    }
}
