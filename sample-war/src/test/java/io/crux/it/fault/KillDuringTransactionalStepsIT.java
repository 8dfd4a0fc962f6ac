package io.crux.it.fault;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;

/**
 * kill -9 of a server at random moments while runs of a flow whose steps write to the application's
 * database are under way ({@link LedgerFlow}: a ledger row per step body, in the flows' own
 * datasource), several times over, each kill followed by a look at the database while the server is
 * down ({@link DownServerDatabase}) and a restart that recovers the runs.
 *
 * <p>Transactional steps ({@code StepOptions.transactional()}): at no kill does the ledger hold a row
 * of a step without the step's checkpoint, nor two rows of one step; in the end it holds exactly one
 * row per step, written in the engine's transaction. Plain steps: at least once, as documented, and
 * exactly as the kills predict: a step whose row was in the ledger without its checkpoint when its
 * server died runs again after the restart, and no other step does, so each step ends with one row
 * more than the kills that caught it in that window.
 *
 * <p>The kills are the test's own SIGKILLs (no Byteman), each once a randomly chosen transactional run
 * has checkpointed a random number of steps, watched at a random interval; the seed is in every
 * assertion's message ({@code -Dfault.kill.tx.seed} repeats a sequence). The test fails rather than
 * passing vacuously when no kill caught a transactional step in progress (its body started, its
 * checkpoint not committed) or no plain row without its checkpoint. Runs on H2 and on PostgreSQL
 * ({@code -Dcrux.db=postgresql}); most of its time (two to three minutes on Liberty) is the server's five starts.
 */
class KillDuringTransactionalStepsIT {

    private static final String READY = FaultWar.FAULT + "/pid";
    private static final Duration RECOVERY = Duration.ofMinutes(2);
    private static final String TRANSACTIONAL = "transactional";
    private static final String PLAIN = "plain";
    private static final int STEPS = 16;
    /** How long a step holds its thread after its write: the window between the write and its checkpoint. */
    private static final int PAUSE_MILLIS = 80;

    private static final int RUNS_PER_MODE = 3;
    private static final int KILLS = Integer.getInteger("fault.kill.tx.kills", 4);
    private static final long SEED = Long.getLong("fault.kill.tx.seed", System.nanoTime());

    private static AppServer server;
    private static Probe probe;
    private static DownServerDatabase database;

    /** Why the test does not run here, or null when it does. */
    private static final String SKIPPED = KILLS > 0
            ? null
            : "-Dfault.kill.tx.kills=0 skips it (CI runs it in every pass, see .ci/run);"
                    + " give a number of kills to run it here";

    @BeforeAll
    static void startServer() {
        if (SKIPPED != null) {
            return; // the test says so, as a skipped test with the reason
        }
        // a short lease, so the restarted server recovers its own runs at once
        server = AppServer.create(
                "cruxFaultKillTx",
                Map.of(
                        "CRUX_NODE_ID",
                        "kill-tx-node",
                        "CRUX_LEASE_DURATION",
                        "PT3S",
                        "CRUX_MAINTENANCE_INTERVAL",
                        "PT1S"));
        server.deploy(FaultWar.build(LedgerFlow.class, LedgerSteps.class, TxLedger.class));
        database = DownServerDatabase.of(server);
        server.start(READY);
        probe = new Probe(server);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stopQuietly();
        }
    }

    @Test
    void killNineAtRandomPointsWhileStepsWriteTheLedger() {
        assumeTrue(SKIPPED == null, SKIPPED);
        Random random = new Random(SEED);
        String context = "seed " + SEED + " (-Dfault.kill.tx.seed), " + AppServer.kind() + " with " + database.kind();
        Map<String, String> modes = new LinkedHashMap<>();
        // "run step" of a plain step: how many kills found its row without its checkpoint
        Map<String, Integer> windows = new HashMap<>();
        List<String> kills = new ArrayList<>();
        int killsInATransactionalStep = 0;
        int plainWindows = 0;
        SoftAssertions soft = new SoftAssertions();

        for (int kill = 1; kill <= KILLS; kill++) {
            if (kill > 1) {
                server.start(READY); // recovers the earlier kills' runs while this kill's runs start
            }
            long pid = probe.pid();
            List<String> transactional = new ArrayList<>();
            for (int i = 0; i < RUNS_PER_MODE; i++) {
                for (boolean tx : List.of(true, false)) {
                    String runId = probe.start(
                            "it-ledger",
                            "write",
                            "{\"count\":" + STEPS + ",\"transactional\":" + tx + ",\"pauseMillis\":" + PAUSE_MILLIS
                                    + "}");
                    modes.put(runId, tx ? TRANSACTIONAL : PLAIN);
                    if (tx) {
                        transactional.add(runId);
                    }
                }
            }
            String watched = transactional.get(random.nextInt(transactional.size()));
            int after = 1 + random.nextInt(STEPS - 4);
            Duration poll = Duration.ofMillis(1 + random.nextInt(PAUSE_MILLIS));
            await("run " + watched + " checkpoints " + after + " steps (" + context + ")")
                    .atMost(RECOVERY)
                    .pollInterval(poll)
                    .until(() -> probe.checkpoints(watched).size() >= after);
            var ports = database.clientPorts(pid);
            server.kill(pid);
            database.awaitSessionsEnded(ports);

            Snapshot at = Snapshot.read(database, modes);
            String where = "kill " + kill + " of " + KILLS + " (pid " + pid + ", once " + watched + " had " + after
                    + " checkpoints, watched every " + poll.toMillis() + " ms)";
            soft.assertThat(at.rowsWithoutCheckpoint(TRANSACTIONAL, 0))
                    .as("transactional steps with a ledger row but no checkpoint at %s (%s)", where, context)
                    .isEmpty();
            soft.assertThat(at.repeated(TRANSACTIONAL))
                    .as("transactional steps with more than one ledger row at %s (%s)", where, context)
                    .isEmpty();
            List<String> inProgress = at.startedWithoutCheckpoint(TRANSACTIONAL, pid);
            List<String> window = at.rowsWithoutCheckpoint(PLAIN, pid);
            window.forEach(step -> windows.merge(step, 1, Integer::sum));
            killsInATransactionalStep += inProgress.isEmpty() ? 0 : 1;
            plainWindows += window.size();
            kills.add(where + ": transactional steps in progress " + inProgress + ", plain rows without checkpoint "
                    + window);
            System.out.println(kills.get(kills.size() - 1));
        }

        server.start(READY);
        await("every run ends after the last restart (" + context + ")")
                .atMost(RECOVERY)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> modes.keySet().stream()
                        .allMatch(
                                r -> List.of("COMPLETED", "FAILED", "CANCELLED").contains(probe.status(r))));
        long last = probe.pid();
        var ports = database.clientPorts(last);
        server.kill(last); // every run has ended: a kill changes nothing, and is quicker than a stop
        database.awaitSessionsEnded(ports);
        Snapshot end = Snapshot.read(database, modes);
        String summary = context + "; " + String.join("; ", kills);
        List<String> notCompleted = new ArrayList<>();
        List<String> withoutCheckpoint = new ArrayList<>();
        List<String> notOnce = new ArrayList<>();
        List<String> notAsPredicted = new ArrayList<>();
        List<String> wrongTransaction = new ArrayList<>();
        for (Map.Entry<String, String> run : modes.entrySet()) {
            String runId = run.getKey();
            boolean tx = TRANSACTIONAL.equals(run.getValue());
            long wrong = 0;
            if (!"COMPLETED".equals(end.status().get(runId))) {
                notCompleted.add(
                        run.getValue() + " " + runId + " " + end.status().get(runId));
            }
            for (int i = 1; i <= STEPS; i++) {
                String step = runId + " t" + i;
                List<Row> rows = end.rows().getOrDefault(step, List.of());
                if (!end.checkpoints().contains(step)) {
                    withoutCheckpoint.add(run.getValue() + " " + step);
                }
                if (tx && rows.size() != 1) {
                    notOnce.add(step + " " + rows);
                }
                int predicted = 1 + windows.getOrDefault(step, 0);
                if (!tx && rows.size() != predicted) {
                    notAsPredicted.add(step + ": " + rows.size() + " rows, " + predicted + " predicted " + rows);
                }
                wrong += rows.stream().filter(r -> r.inTx() != tx).count();
            }
            if (wrong > 0) {
                wrongTransaction.add(run.getValue() + " " + runId + ": " + wrong + " rows");
            }
        }
        System.out.println(summary);
        soft.assertThat(notCompleted).as("runs not completed (%s)", context).isEmpty();
        soft.assertThat(withoutCheckpoint)
                .as("steps without a checkpoint (%s)", context)
                .isEmpty();
        soft.assertThat(notOnce)
                .as("transactional steps without exactly one ledger row in the end (%s)", context)
                .isEmpty();
        soft.assertThat(notAsPredicted)
                .as(
                        "plain steps whose ledger rows are not 1 + the kills that caught a row without its checkpoint (%s)",
                        context)
                .isEmpty();
        soft.assertThat(wrongTransaction)
                .as(
                        "runs with ledger rows written outside the engine's transaction by a transactional step, or in"
                                + " one by a plain step (%s)",
                        context)
                .isEmpty();
        soft.assertThat(killsInATransactionalStep)
                .as(
                        "kills that caught a transactional step between the start of its body and its checkpoint (%s)",
                        summary)
                .isPositive();
        soft.assertThat(plainWindows)
                .as("plain rows without their checkpoint at the kills (%s)", summary)
                .isPositive();
        soft.assertAll();
    }

    /** A ledger row: the step's mode, whether it was written in a transaction the step ran in, and the server's pid. */
    record Row(String mode, boolean inTx, long pid) {}

    /**
     * What the database held, for the test's runs: ledger rows and started steps by {@code "run step"},
     * the steps with a checkpoint, and the runs' status.
     */
    record Snapshot(
            Map<String, String> modes,
            Map<String, List<Row>> rows,
            Map<String, List<Long>> started,
            Set<String> checkpoints,
            Map<String, String> status) {

        static Snapshot read(DownServerDatabase database, Map<String, String> modes) {
            Map<String, List<Row>> rows = new HashMap<>();
            Map<String, List<Long>> started = new HashMap<>();
            Set<String> checkpoints = new HashSet<>();
            Map<String, String> status = new HashMap<>();
            try (Connection c = database.connect();
                    Statement s = c.createStatement()) {
                try (ResultSet rs =
                        s.executeQuery("select RUN_ID, STEP, MODE, IN_TX, PID from IT_TX_LEDGER order by ID")) {
                    while (rs.next()) {
                        if (modes.containsKey(rs.getString(1))) {
                            rows.computeIfAbsent(rs.getString(1) + " " + rs.getString(2), k -> new ArrayList<>())
                                    .add(new Row(rs.getString(3), rs.getBoolean(4), rs.getLong(5)));
                        }
                    }
                }
                try (ResultSet rs = s.executeQuery("select RUN_ID, STEP, PID from IT_TX_STARTED")) {
                    while (rs.next()) {
                        if (modes.containsKey(rs.getString(1))) {
                            started.computeIfAbsent(rs.getString(1) + " " + rs.getString(2), k -> new ArrayList<>())
                                    .add(rs.getLong(3));
                        }
                    }
                }
                try (ResultSet rs = s.executeQuery("select FLOW_ID, LABEL from CRUX_STEP where KIND = 'STEP'")) {
                    while (rs.next()) {
                        if (modes.containsKey(rs.getString(1))) {
                            checkpoints.add(rs.getString(1) + " " + rs.getString(2));
                        }
                    }
                }
                try (ResultSet rs = s.executeQuery("select ID, STATUS from CRUX_FLOW_RUN")) {
                    while (rs.next()) {
                        if (modes.containsKey(rs.getString(1))) {
                            status.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "reading the " + database.kind() + " database of the stopped server", e);
            }
            return new Snapshot(Map.copyOf(modes), rows, started, checkpoints, status);
        }

        /** @return the steps of runs of the mode with a row but no checkpoint, rows by the pid only (0: any) */
        List<String> rowsWithoutCheckpoint(String mode, long pid) {
            return rows.entrySet().stream()
                    .filter(e -> mode.equals(
                            modes.get(e.getKey().substring(0, e.getKey().indexOf(' ')))))
                    .filter(e -> !checkpoints.contains(e.getKey()))
                    .flatMap(e -> e.getValue().stream()
                            .filter(r -> pid == 0 || r.pid() == pid)
                            .map(r -> e.getKey()))
                    .sorted()
                    .toList();
        }

        /** @return the steps of runs of the mode with more than one row, and their rows */
        List<String> repeated(String mode) {
            return rows.entrySet().stream()
                    .filter(e -> mode.equals(
                            modes.get(e.getKey().substring(0, e.getKey().indexOf(' ')))))
                    .filter(e -> e.getValue().size() > 1)
                    .map(e -> e.getKey() + " " + e.getValue())
                    .sorted()
                    .toList();
        }

        /** @return the steps of runs of the mode whose body the pid started and that have no checkpoint */
        List<String> startedWithoutCheckpoint(String mode, long pid) {
            return started.entrySet().stream()
                    .filter(e -> mode.equals(
                            modes.get(e.getKey().substring(0, e.getKey().indexOf(' ')))))
                    .filter(e ->
                            !checkpoints.contains(e.getKey()) && e.getValue().contains(pid))
                    .map(Map.Entry::getKey)
                    .sorted()
                    .toList();
        }
    }
}
