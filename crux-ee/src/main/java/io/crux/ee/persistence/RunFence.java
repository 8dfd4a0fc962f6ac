package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;

/**
 * The fence of a run's writes, as JDBC on the connection they go through: the check, on the run's
 * row locked until the writes commit, that the node still holds the running run; and on PostgreSQL
 * the step checkpoint's insert that carries the same check in one statement.
 */
final class RunFence {

    /** Locks a run's row for the writes of the node that holds it, reading what the check needs. */
    private static final String LOCK_RUN = "SELECT OWNER, STATUS, ERROR FROM CRUX_FLOW_RUN WHERE ID = ? FOR UPDATE";

    /**
     * PostgreSQL: locks the run's row and inserts the checkpoint in one statement, which inserts
     * nothing unless the owner still holds the running run. A claim by another node waits for the
     * lock as it waits for {@link #LOCK_RUN}, and sees the row again after this transaction.
     *
     * <p>The lock finds the row by its id alone and the holder is checked on the locked row
     * ({@code MATERIALIZED} says what PostgreSQL does anyway with a CTE that locks: the check stays
     * out of the lookup): with the status in the lookup, a cached generic plan may walk a status
     * index, whose {@code RUNNING} entries of finished runs stay until a vacuum, at every step.
     */
    private static final String INSERT_STEP_HELD = "WITH HELD AS MATERIALIZED (SELECT OWNER, STATUS"
            + " FROM CRUX_FLOW_RUN WHERE ID = ? FOR UPDATE)"
            + " INSERT INTO CRUX_STEP (ID, FLOW_ID, POSITION, LABEL, KIND, OUTPUT_TYPE, OUTPUT_JSON, ATTEMPTS,"
            + " FALLBACK, COMPLETED_AT, STARTED_AT, ATTEMPT_LOG, VERSION) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1"
            + " FROM HELD WHERE OWNER = ? AND STATUS = 'RUNNING'";

    private RunFence() {}

    /**
     * Inserts the checkpoint of a step on PostgreSQL with {@link #INSERT_STEP_HELD}.
     *
     * @return 1 when the checkpoint was inserted, 0 when {@code owner} does not hold the running run
     */
    static int insertCheckpoint(Connection c, String owner, StepCheckpointEntity e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_STEP_HELD)) {
            ps.setString(1, e.flowId);
            ps.setString(2, e.id);
            ps.setString(3, e.flowId);
            ps.setInt(4, e.position);
            ps.setString(5, e.label);
            ps.setString(6, e.kind.name());
            ps.setString(7, e.outputType);
            ps.setString(8, e.outputJson);
            ps.setInt(9, e.attempts);
            ps.setBoolean(10, e.fallback);
            LocalTimes.bind(ps, 11, e.completedAt);
            ps.setTimestamp(12, e.startedAt == null ? null : Timestamp.from(e.startedAt)); // nullable: see LocalTimes
            ps.setString(13, e.attemptLog);
            ps.setString(14, owner);
            return ps.executeUpdate();
        }
    }

    /**
     * Locks the run's row on the connection {@code c} and checks that {@code owner} holds the running
     * run. The row lock keeps a claim by another node from committing before the transaction does;
     * only the three columns are read, not the run's input and output.
     *
     * @throws LeaseLostException if another node holds the run, or none does
     * @throws FlowCancelledException if the run, still held by {@code owner}, was cancelled
     */
    static void check(Connection c, String flowId, String owner) throws SQLException {
        String[] row;
        try (PreparedStatement ps = c.prepareStatement(LOCK_RUN)) {
            ps.setString(1, flowId);
            try (ResultSet rs = ps.executeQuery()) {
                row = rs.next()
                        ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}
                        : new String[] {null, "none", null};
            }
        }
        String holder = row[0];
        String status = row[1];
        String error = row[2];
        if (!owner.equals(holder)) {
            throw new LeaseLostException(Messages.fenced(flowId, owner, holder, status), flowId, holder);
        }
        if (!FlowStatus.RUNNING.name().equals(status)) {
            throw new FlowCancelledException(Messages.cancelledElsewhere(flowId, error), flowId, error);
        }
    }
}
