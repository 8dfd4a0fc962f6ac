package io.crux.ee.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * Binds an instant to a {@code TIMESTAMP} parameter as the JVM's local date and time, the value
 * that {@link PreparedStatement#setTimestamp} with a {@link Timestamp} writes and that the entities
 * read back, without the {@code Calendar} that the PostgreSQL driver fills for each {@code
 * Timestamp} (a fifth of a checkpoint's JDBC work in the profile of BENCHMARKS.md section 7).
 */
final class LocalTimes {

    private LocalTimes() {}

    /** Binds {@code at}, or SQL null, to parameter {@code index}. */
    static void bind(PreparedStatement ps, int index, Instant at) throws SQLException {
        if (at == null) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setObject(index, LocalDateTime.ofInstant(at, ZoneId.systemDefault()));
        }
    }
}
