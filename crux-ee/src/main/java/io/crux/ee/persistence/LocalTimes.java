package io.crux.ee.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Binds an instant to a {@code TIMESTAMP} parameter as the JVM's local date and time, the value
 * that {@link PreparedStatement#setTimestamp} with a {@link Timestamp} writes and that the entities
 * read back, without the {@code Calendar} that the PostgreSQL driver fills for each {@code
 * Timestamp} (a fifth of a checkpoint's JDBC work in the profile of BENCHMARKS.md section 7).
 *
 * <p>For columns that are never null only: the driver sends such a value as a {@code timestamp} and
 * a null as of no type, and a prepared statement whose parameter types change is parsed again, so a
 * nullable parameter keeps {@code setTimestamp}, which sends both as of no type.
 */
final class LocalTimes {

    private LocalTimes() {}

    /** Binds {@code at}, never null, to parameter {@code index}. */
    static void bind(PreparedStatement ps, int index, Instant at) throws SQLException {
        ps.setObject(index, LocalDateTime.ofInstant(Objects.requireNonNull(at, "at"), ZoneId.systemDefault()));
    }
}
