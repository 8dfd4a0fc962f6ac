package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import io.crux.ee.spi.NodeRecord;

/**
 * The rows of {@code CRUX_NODE}, one per node id, in plain JDBC: who holds the id. Every write adds
 * one to {@code BEATS}, and a change of hands is a compare-and-set on it, so two servers that both
 * find an id free never both take it. Times are the database's {@code CURRENT_TIMESTAMP}, written and
 * compared on its clock, in a column with a time zone: a session's zone (pgjdbc takes the JVM's) and
 * a change of daylight-saving time do not move them.
 */
final class NodeRows {

    private static final String RENEW = "UPDATE CRUX_NODE SET BEATS = BEATS + 1, SEEN_AT = CURRENT_TIMESTAMP"
            + " WHERE NODE_ID = ? AND INCARNATION = ?";

    private static final String READ = "SELECT INCARNATION, HOST, MACHINE, PID, PROCESS_STARTED, BEATS, SEEN_AT,"
            + " CURRENT_TIMESTAMP"
            + " FROM CRUX_NODE WHERE NODE_ID = ?";

    private static final String INSERT = "INSERT INTO CRUX_NODE (NODE_ID, INCARNATION, HOST, MACHINE, PID,"
            + " PROCESS_STARTED, BEATS, SEEN_AT) VALUES (?, ?, ?, ?, ?, ?, 0, CURRENT_TIMESTAMP)";

    private static final String TAKE = "UPDATE CRUX_NODE SET INCARNATION = ?, HOST = ?, MACHINE = ?, PID = ?,"
            + " PROCESS_STARTED = ?, BEATS = BEATS + 1, SEEN_AT = CURRENT_TIMESTAMP WHERE NODE_ID = ? AND BEATS = ?";

    private static final String RELEASE = "UPDATE CRUX_NODE SET INCARNATION = NULL, BEATS = BEATS + 1,"
            + " SEEN_AT = CURRENT_TIMESTAMP WHERE NODE_ID = ? AND INCARNATION = ?";

    private NodeRows() {}

    /**
     * {@link io.crux.ee.spi.FlowStore#holdNode}. Two servers that insert the first row of an id at
     * the same moment: one insert fails on the key, and its caller tries again at its next pass.
     */
    static NodeRecord hold(Connection c, NodeRecord me, Duration staleAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RENEW)) {
            ps.setString(1, me.nodeId());
            ps.setString(2, me.incarnation());
            if (ps.executeUpdate() == 1) {
                return me;
            }
        }
        Read held = read(c, me.nodeId());
        if (held == null) {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, me.nodeId());
                ps.setString(2, me.incarnation());
                ps.setString(3, me.host());
                ps.setString(4, me.machine());
                ps.setLong(5, me.pid());
                ps.setLong(6, me.processStarted());
                ps.executeUpdate();
            }
            return me;
        }
        return held.node.free(held.now, staleAfter) && take(c, me, held.node) ? me : held.node;
    }

    /** {@link io.crux.ee.spi.FlowStore#takeNode}: whether {@code me} holds the id now. */
    static boolean take(Connection c, NodeRecord me, NodeRecord from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TAKE)) {
            ps.setString(1, me.incarnation());
            ps.setString(2, me.host());
            ps.setString(3, me.machine());
            ps.setLong(4, me.pid());
            ps.setLong(5, me.processStarted());
            ps.setString(6, me.nodeId());
            ps.setLong(7, from.beats());
            return ps.executeUpdate() == 1;
        }
    }

    /** {@link io.crux.ee.spi.FlowStore#releaseNode}. */
    static void release(Connection c, String nodeId, String incarnation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(RELEASE)) {
            ps.setString(1, nodeId);
            ps.setString(2, incarnation);
            ps.executeUpdate();
        }
    }

    /** A row as read, with the database's time of the read. */
    private record Read(NodeRecord node, Instant now) {}

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Read read(Connection c, String nodeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(READ)) {
            ps.setString(1, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Read(
                        new NodeRecord(
                                nodeId,
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getLong(4),
                                rs.getLong(5),
                                rs.getLong(6),
                                instant(rs, 7)),
                        instant(rs, 8));
            }
        }
    }
}
