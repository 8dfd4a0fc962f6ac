package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * A run's row on PostgreSQL at its start and at its end, each one statement with plain JDBC on the
 * transaction's connection (or, when nothing goes with it, autocommitted on a connection of its own):
 * what the entity manager writes with a read, a persist or a change and
 * a flush. Measured, the provider's unit of work cost a durable run about as much CPU as its ten
 * checkpoints (BENCHMARKS.md, section 7); these statements write the same columns with the same
 * values, but for the first version, which is 1 as EclipseLink starts it (Hibernate starts at 0;
 * versions are only ever compared with a fresh read of the row).
 *
 * <p>The lease end is computed by the database, as {@code JpaFlowStore.onDatabaseClock} does with a
 * read of the database's clock: the lease's length is added to the instant {@code CURRENT_TIMESTAMP},
 * and only the sum is turned into a time of day, in the session's time zone, which the driver sets
 * to the JVM's, in which {@link Timestamp}s are written too. (Added to {@code LOCALTIMESTAMP}, a
 * lease that spans a change of daylight saving time would end an hour early or late.)
 */
final class PgRunRows {

    private static final String INSERT = "INSERT INTO CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME, STATUS,"
            + " PARENT_ID, SESSION_ID, USER_ID, PROJECT_ID, EVENTS, INPUT_TYPE, INPUT_JSON, OWNER, LEASE_UNTIL,"
            + " TRACE_PARENT, CREATED_AT, UPDATED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            + " CAST(CURRENT_TIMESTAMP + CAST(? AS bigint) * INTERVAL '1 millisecond' AS TIMESTAMP), ?, ?, ?, 1)";

    private static final String COLUMNS = "ID, FLOW_NAME, ACTION_NAME, STATUS, PARENT_ID, SESSION_ID, USER_ID,"
            + " PROJECT_ID, EVENTS, INPUT_TYPE, INPUT_JSON, OUTPUT_TYPE, OUTPUT_JSON, ERROR, SUSPENSION_ID, OWNER,"
            + " LEASE_UNTIL, CREATED_AT, UPDATED_AT, VERSION, TRACE_PARENT";

    /**
     * Ends a running run that {@code owner} holds. As the checkpoint's fence does, the row is found
     * and locked by its id alone and the holder checked on the locked row, so that no cached plan
     * can look the run up through a status index (whose entries of finished runs stay until a
     * vacuum); the update then names the id alone as well. Parameters: 1 the id, then the set
     * columns, then the owner.
     */
    private static String finish(boolean output, boolean neverSuspended) {
        return "WITH HELD AS MATERIALIZED (SELECT ID, OWNER, STATUS, SUSPENSION_ID FROM CRUX_FLOW_RUN WHERE ID = ?"
                + " FOR UPDATE) UPDATE CRUX_FLOW_RUN SET STATUS = ?, ERROR = ?, UPDATED_AT = ?,"
                + (output ? " OUTPUT_TYPE = ?, OUTPUT_JSON = ?," : "")
                + " OWNER = NULL, LEASE_UNTIL = NULL, VERSION = VERSION + 1"
                + " WHERE ID = (SELECT ID FROM HELD WHERE OWNER = ? AND STATUS = 'RUNNING'"
                + (neverSuspended ? " AND SUSPENSION_ID IS NULL" : "")
                + ") RETURNING " + COLUMNS;
    }

    private static final String FINISH = finish(false, false);
    private static final String FINISH_WITH_OUTPUT = finish(true, false);
    private static final String FINISH_NEVER_SUSPENDED = finish(false, true);
    private static final String FINISH_NEVER_SUSPENDED_WITH_OUTPUT = finish(true, true);

    private PgRunRows() {}

    /**
     * Inserts a new run's row, as {@code FlowRunEntity.created} and a persist would.
     *
     * @param lease the lease's length from now, or null for none
     */
    static void insert(Connection c, RunRecord run, Duration lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, run.flowId());
            ps.setString(2, run.flowName());
            ps.setString(3, run.action());
            ps.setString(4, run.status().name());
            ps.setString(5, run.parentFlowId());
            ps.setString(6, run.sessionId());
            ps.setString(7, run.userId());
            ps.setString(8, run.projectId());
            ps.setBoolean(9, run.events());
            ps.setString(10, run.input().type());
            ps.setString(11, run.input().json());
            ps.setString(12, run.owner());
            if (lease == null) {
                ps.setNull(13, Types.BIGINT);
            } else {
                ps.setLong(13, lease.toMillis());
            }
            ps.setString(14, run.traceParent());
            LocalTimes.bind(ps, 15, run.createdAt());
            LocalTimes.bind(ps, 16, run.updatedAt());
            ps.executeUpdate();
        }
    }

    /**
     * Ends the run if {@code owner} holds it and it is running, as {@code JpaFlowStore.finish} does
     * with the entity.
     *
     * @param output the run's output, or null to leave the column as it is
     * @param error the error to store (already truncated), or null
     * @param suspensions reads the run's suspension by its id, for a run that suspended before
     * @return the run after the end, or null when {@code owner} does not hold the running run: the
     *     caller then reads why
     */
    static RunRecord finish(
            Connection c,
            String flowId,
            String owner,
            FlowStatus status,
            Payload output,
            String error,
            Instant at,
            Function<String, SuspensionRecord> suspensions)
            throws SQLException {
        return end(
                c, output == null ? FINISH : FINISH_WITH_OUTPUT, flowId, owner, status, output, error, at, suspensions);
    }

    /**
     * Ends the run as {@link #finish(Connection, String, String, FlowStatus, Payload, String, Instant,
     * Function)} does if it never suspended, in one statement that reads nothing else; a run that
     * suspended before is left as it is, for a caller that can read its suspension in the same
     * transaction.
     *
     * @return the run after the end, or null when {@code owner} does not hold the running run or it
     *     suspended before
     */
    static RunRecord finishNeverSuspended(
            Connection c, String flowId, String owner, FlowStatus status, Payload output, String error, Instant at)
            throws SQLException {
        return end(
                c,
                output == null ? FINISH_NEVER_SUSPENDED : FINISH_NEVER_SUSPENDED_WITH_OUTPUT,
                flowId,
                owner,
                status,
                output,
                error,
                at,
                id -> {
                    throw new IllegalStateException("run " + flowId + " suspended before, and was ended all the same");
                });
    }

    /** Runs one of the end's statements, {@code sql}, and reads the row it returns. */
    private static RunRecord end(
            Connection c,
            String sql,
            String flowId,
            String owner,
            FlowStatus status,
            Payload output,
            String error,
            Instant at,
            Function<String, SuspensionRecord> suspensions)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, flowId);
            ps.setString(i++, status.name());
            ps.setString(i++, error);
            LocalTimes.bind(ps, i++, at);
            if (output != null) {
                ps.setString(i++, output.type());
                ps.setString(i++, output.json());
            }
            ps.setString(i, owner);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? read(rs, suspensions) : null;
            }
        }
    }

    private static RunRecord read(ResultSet rs, Function<String, SuspensionRecord> suspensions) throws SQLException {
        String outputType = rs.getString("OUTPUT_TYPE");
        String suspensionId = rs.getString("SUSPENSION_ID");
        return new RunRecord(
                rs.getString("ID"),
                rs.getString("FLOW_NAME"),
                rs.getString("ACTION_NAME"),
                FlowStatus.valueOf(rs.getString("STATUS")),
                rs.getString("PARENT_ID"),
                rs.getString("SESSION_ID"),
                rs.getString("USER_ID"),
                rs.getString("PROJECT_ID"),
                rs.getBoolean("EVENTS"),
                new Payload(rs.getString("INPUT_TYPE"), rs.getString("INPUT_JSON")),
                outputType == null ? null : new Payload(outputType, rs.getString("OUTPUT_JSON")),
                rs.getString("ERROR"),
                suspensionId == null ? null : suspensions.apply(suspensionId),
                rs.getString("OWNER"),
                instant(rs.getTimestamp("LEASE_UNTIL")),
                instant(rs.getTimestamp("CREATED_AT")),
                instant(rs.getTimestamp("UPDATED_AT")),
                rs.getLong("VERSION"),
                rs.getString("TRACE_PARENT"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
