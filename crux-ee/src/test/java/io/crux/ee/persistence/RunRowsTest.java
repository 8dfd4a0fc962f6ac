package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.StepFailure;

/**
 * The devtools' run queries on H2 with the shipped DDL: every filter, keyset pages and counts by
 * status in the database, with the same answers as the in-memory store; and the attempt log's
 * round trip through a checkpoint row.
 */
class RunRowsTest {

    private static final Instant T = Instant.parse("2026-12-06T10:00:00Z");

    private Connection c;
    private final InMemoryFlowStore memory = new InMemoryFlowStore();
    private final List<RunRecord> all = new ArrayList<>();

    @BeforeEach
    void schema() throws SQLException {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:runrows" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        SchemaInstaller.install(ds);
        c = ds.getConnection();
        // 3 flows x 4 statuses x users/sessions, two runs created at the same instant
        store(run("r01", "orders", FlowStatus.COMPLETED, "ann", "s1", 1));
        store(run("r02", "orders", FlowStatus.FAILED, "bob", "s2", 2));
        store(run("r03", "orders", FlowStatus.RUNNING, "ann", "s1", 3));
        store(run("r04", "refunds", FlowStatus.SUSPENDED, "ann", null, 3));
        store(run("r05", "refunds", FlowStatus.COMPLETED, null, null, 4));
        store(run("r06", "orders", FlowStatus.SUSPENDED, "bob", "s2", 5));
        store(run("r07", "other", FlowStatus.COMPLETED, "ann", "s1", 6));
        store(run("r08", "orders", FlowStatus.COMPLETED, "ann", "s3", 7));
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private static RunRecord run(String id, String flow, FlowStatus status, String user, String session, int second) {
        return new RunRecord(
                id,
                flow,
                "run",
                status,
                null,
                session,
                user,
                null,
                false,
                Payload.NULL,
                null,
                null,
                null,
                null,
                null,
                T.plusSeconds(second),
                T.plusSeconds(second + 1),
                1);
    }

    private void store(RunRecord r) throws SQLException {
        memory.createRun(r);
        all.add(r);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO CRUX_FLOW_RUN (ID, FLOW_NAME, ACTION_NAME, STATUS,"
                        + " SESSION_ID, USER_ID, EVENTS, CREATED_AT, UPDATED_AT, VERSION) VALUES (?, ?, ?, ?, ?, ?, FALSE, ?, ?, 1)")) {
            ps.setString(1, r.flowId());
            ps.setString(2, r.flowName());
            ps.setString(3, r.action());
            ps.setString(4, r.status().name());
            ps.setString(5, r.sessionId());
            ps.setString(6, r.userId());
            ps.setTimestamp(7, Timestamp.from(r.createdAt()));
            ps.setTimestamp(8, Timestamp.from(r.updatedAt()));
            ps.executeUpdate();
        }
    }

    private static RunQuery q(FlowStatus status, String user, String session, Instant from, Instant to, int limit) {
        return new RunQuery(Set.of("orders", "refunds"), status, user, session, from, to, null, 0, limit);
    }

    private static List<String> ids(List<RunRecord> runs) {
        return runs.stream().map(RunRecord::flowId).toList();
    }

    @Test
    void filtersAreMatchedInTheDatabaseNewestFirstWithTheIdAsTiebreak() throws SQLException {
        assertThat(ids(RunRows.find(c, q(null, null, null, null, null, 50))))
                .containsExactly("r08", "r06", "r05", "r04", "r03", "r02", "r01");
        assertThat(ids(RunRows.find(c, q(FlowStatus.COMPLETED, null, null, null, null, 50))))
                .containsExactly("r08", "r05", "r01");
        assertThat(ids(RunRows.find(c, q(null, "ann", null, null, null, 50))))
                .containsExactly("r08", "r04", "r03", "r01");
        assertThat(ids(RunRows.find(c, q(null, null, "s1", null, null, 50)))).containsExactly("r03", "r01");
        assertThat(ids(RunRows.find(c, q(null, null, null, T.plusSeconds(3), T.plusSeconds(5), 50))))
                .as("from inclusive, to exclusive")
                .containsExactly("r05", "r04", "r03");
        assertThat(ids(RunRows.find(c, new RunQuery(Set.of("refunds"), null, null, 0, 50))))
                .containsExactly("r05", "r04");
        assertThat(RunRows.find(c, new RunQuery(Set.of(), null, null, 0, 50))).isEmpty();
    }

    @Test
    void keysetPagesFollowEachOtherWithoutGapsOrRepeats() throws SQLException {
        List<String> seen = new ArrayList<>();
        RunQuery.Cursor after = null;
        for (int page = 0; page < 10; page++) {
            RunQuery query = new RunQuery(Set.of("orders", "refunds"), null, null, null, null, null, after, 0, 2);
            List<RunRecord> runs = RunRows.find(c, query);
            assertThat(ids(runs)).isEqualTo(ids(memory.findRuns(query)));
            if (runs.isEmpty()) {
                break;
            }
            seen.addAll(ids(runs));
            RunRecord last = runs.get(runs.size() - 1);
            after = new RunQuery.Cursor(last.createdAt(), last.flowId());
        }
        // r04 and r03 share their creation instant: the id keeps them apart across the page boundary
        assertThat(seen).containsExactly("r08", "r06", "r05", "r04", "r03", "r02", "r01");
    }

    @Test
    void countsByStatusIgnoreTheStatusFilterAndMatchTheInMemoryStore() throws SQLException {
        RunQuery query = q(FlowStatus.COMPLETED, "ann", null, null, null, 1);
        Map<FlowStatus, Long> counts = RunRows.countByStatus(c, query);
        assertThat(counts)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(FlowStatus.COMPLETED, 2L, FlowStatus.RUNNING, 1L, FlowStatus.SUSPENDED, 1L));
        assertThat(memory.countByStatus(query)).isEqualTo(counts);
    }

    @Test
    void everyFilterCombinationAnswersAsTheInMemoryStore() throws SQLException {
        List<RunQuery> queries = new ArrayList<>();
        for (FlowStatus s : new FlowStatus[] {null, FlowStatus.COMPLETED, FlowStatus.SUSPENDED}) {
            for (String user : new String[] {null, "ann", "bob"}) {
                for (String session : new String[] {null, "s1", "s2"}) {
                    queries.add(q(s, user, session, null, null, 3));
                    queries.add(q(s, user, session, T.plusSeconds(2), T.plusSeconds(6), 50));
                }
            }
        }
        for (RunQuery query : queries) {
            assertThat(ids(RunRows.find(c, query))).as(query.toString()).isEqualTo(ids(memory.findRuns(query)));
            assertThat(RunRows.countByStatus(c, query)).as(query.toString()).isEqualTo(memory.countByStatus(query));
        }
    }

    @Test
    void runsWrittenSinceAnInstantComeOldestWriteFirst() throws SQLException {
        RunQuery names = new RunQuery(Set.of("orders", "refunds"), null, null, 0, 1);
        // written at T+5 (r05), T+6 (r06), T+8 (r08); r07 is of another flow
        assertThat(ids(RunRows.updatedSince(c, names, T.plusSeconds(5), 10))).containsExactly("r06", "r08");
        assertThat(ids(memory.findUpdatedSince(Set.of("orders", "refunds"), T.plusSeconds(5), 10)))
                .containsExactly("r06", "r08");
    }

    @Test
    void aCheckpointKeepsItsStartAndFailedAttempts() {
        List<AttemptFailure> failures = List.of(
                new AttemptFailure(1, T, T.plusMillis(5), "java.io.IOException", "down", null, 100L),
                new AttemptFailure(
                        2,
                        T.plusMillis(105),
                        T.plusMillis(110),
                        "io.crux.ee.api.exception.StepFailedException",
                        "CRUX0010E: failed",
                        "CRUX0010E",
                        null));
        CheckpointRecord c = new CheckpointRecord(
                "r1", 0, "charge", CheckpointKind.STEP, null, Payload.NULL, 3, false, T.plusSeconds(1), T, failures);
        CheckpointRecord back = StepCheckpointEntity.from(c, null).toRecord();
        assertThat(back.startedAt()).isEqualTo(T);
        assertThat(back.failures()).isEqualTo(failures);

        CheckpointRecord plain = new CheckpointRecord(
                "r1", 1, "ship", CheckpointKind.STEP, null, Payload.NULL, 1, false, T.plusSeconds(2));
        CheckpointRecord plainBack = StepCheckpointEntity.from(plain, null).toRecord();
        assertThat(plainBack.startedAt()).isNull();
        assertThat(plainBack.failures()).isEmpty();

        StepFailure failure = new StepFailure("charge", 2, failures);
        assertThat(AttemptLog.readFailure(AttemptLog.write(failure))).isEqualTo(failure);
    }

    @Test
    void aDamagedAttemptLogStillLoadsItsCheckpoint() {
        CheckpointRecord c = new CheckpointRecord(
                "r1", 0, "charge", CheckpointKind.STEP, null, Payload.NULL, 3, false, T.plusSeconds(1), T, List.of());
        for (String garbage : List.of("not json", "{\"attempt\":1}", "[{\"attempt\":\"one\"}]", "[{\"attempt\":1}]")) {
            StepCheckpointEntity e = StepCheckpointEntity.from(c, null);
            e.attemptLog = garbage;
            CheckpointRecord back = e.toRecord();
            assertThat(back.failures()).as(garbage).isEmpty();
            assertThat(back.attempts()).isEqualTo(3);
            assertThat(back.completedAt()).isEqualTo(T.plusSeconds(1));
        }
        assertThat(AttemptLog.readFailure("{\"label\":")).isNull();
    }
}
