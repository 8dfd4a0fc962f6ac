package io.crux.ee.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * The queries of run pages and counts, in SQL that H2 and PostgreSQL both run: every filter, the
 * order, the keyset page and the counts are done by the database with one statement, on the
 * indexes of the DDL. JDBC rather than JPQL because JPQL has no row-value comparison nor a
 * {@code group by} that reads only two columns, and because the runs of a page need neither their
 * input nor their output (large texts).
 */
final class RunRows {

    /** The columns a run of a page carries, with its open suspension's. */
    private static final String COLUMNS = "SELECT r.ID, r.FLOW_NAME, r.ACTION_NAME, r.STATUS, r.PARENT_ID,"
            + " r.SESSION_ID, r.USER_ID, r.PROJECT_ID, r.EVENTS, r.ERROR, r.OWNER, r.LEASE_UNTIL, r.CREATED_AT,"
            + " r.UPDATED_AT, r.VERSION, s.POSITION, s.NAME, s.PAYLOAD_TYPE, s.SUSPENDED_AT, s.EXPIRES_AT"
            + " FROM CRUX_FLOW_RUN r LEFT JOIN CRUX_SUSPENSION s ON s.ID = r.SUSPENSION_ID";

    private RunRows() {}

    /** The where clause of a query and its parameters, in order. */
    private record Where(String sql, List<Object> parameters) {

        static Where of(RunQuery q, boolean withStatus, boolean withCursor) {
            StringBuilder sql = new StringBuilder(" WHERE r.FLOW_NAME IN (");
            List<Object> p = new ArrayList<>();
            sql.append(String.join(", ", Collections.nCopies(q.flowNames().size(), "?")))
                    .append(')');
            p.addAll(q.flowNames().stream().sorted().toList());
            if (withStatus && q.status() != null) {
                sql.append(" AND r.STATUS = ?");
                p.add(q.status().name());
            }
            if (q.userId() != null) {
                sql.append(" AND r.USER_ID = ?");
                p.add(q.userId());
            }
            if (q.sessionId() != null) {
                sql.append(" AND r.SESSION_ID = ?");
                p.add(q.sessionId());
            }
            if (q.from() != null) {
                sql.append(" AND r.CREATED_AT >= ?");
                p.add(Timestamp.from(q.from()));
            }
            if (q.to() != null) {
                sql.append(" AND r.CREATED_AT < ?");
                p.add(Timestamp.from(q.to()));
            }
            if (withCursor && q.after() != null) {
                // spelled out rather than a row value: both databases use the index for this form
                sql.append(" AND (r.CREATED_AT < ? OR (r.CREATED_AT = ? AND r.ID < ?))");
                Timestamp at = Timestamp.from(q.after().createdAt());
                p.add(at);
                p.add(at);
                p.add(q.after().flowId());
            }
            return new Where(sql.toString(), p);
        }

        void bind(PreparedStatement ps, int first) throws SQLException {
            int i = first;
            for (Object v : parameters) {
                ps.setObject(i++, v);
            }
        }
    }

    /** @return the query's page, newest first, without input and output */
    static List<RunRecord> find(Connection c, RunQuery q) throws SQLException {
        if (q.flowNames().isEmpty()) {
            return List.of();
        }
        Where where = Where.of(q, true, true);
        String sql = COLUMNS + where.sql() + " ORDER BY r.CREATED_AT DESC, r.ID DESC LIMIT ? OFFSET ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            where.bind(ps, 1);
            ps.setInt(where.parameters().size() + 1, q.limit());
            ps.setInt(where.parameters().size() + 2, q.offset());
            return read(ps);
        }
    }

    /** @return how many runs match the query apart from its status and page, by status */
    static Map<FlowStatus, Long> countByStatus(Connection c, RunQuery q) throws SQLException {
        Map<FlowStatus, Long> counts = new EnumMap<>(FlowStatus.class);
        if (q.flowNames().isEmpty()) {
            return counts;
        }
        Where where = Where.of(q, false, false);
        String sql = "SELECT r.STATUS, COUNT(*) FROM CRUX_FLOW_RUN r" + where.sql() + " GROUP BY r.STATUS";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            where.bind(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(FlowStatus.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    /** @return runs of the flows written after {@code since}, oldest write first */
    static List<RunRecord> updatedSince(Connection c, RunQuery names, Instant since, int limit) throws SQLException {
        if (names.flowNames().isEmpty()) {
            return List.of();
        }
        Where where = Where.of(names, false, false);
        String sql = COLUMNS + where.sql() + " AND r.UPDATED_AT > ? ORDER BY r.UPDATED_AT, r.ID LIMIT ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            where.bind(ps, 1);
            int n = where.parameters().size();
            ps.setTimestamp(n + 1, Timestamp.from(since));
            ps.setInt(n + 2, limit);
            return read(ps);
        }
    }

    /** @return the runs whose parent is {@code parentId}, oldest first */
    static List<RunRecord> children(Connection c, String parentId) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement(COLUMNS + " WHERE r.PARENT_ID = ? ORDER BY r.CREATED_AT, r.ID")) {
            ps.setString(1, parentId);
            return read(ps);
        }
    }

    private static List<RunRecord> read(PreparedStatement ps) throws SQLException {
        List<RunRecord> runs = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(17);
                SuspensionRecord s = name == null
                        ? null
                        : new SuspensionRecord(rs.getInt(16), name, rs.getString(18), instant(rs, 19), instant(rs, 20));
                runs.add(new RunRecord(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        FlowStatus.valueOf(rs.getString(4)),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getBoolean(9),
                        Payload.NULL,
                        null,
                        rs.getString(10),
                        s,
                        rs.getString(11),
                        instant(rs, 12),
                        instant(rs, 13),
                        instant(rs, 14),
                        rs.getLong(15)));
            }
        }
        return runs;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
