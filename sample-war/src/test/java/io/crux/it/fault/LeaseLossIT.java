package io.crux.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;
import io.crux.it.support.ServerPair;

/**
 * Lease loss: two servers on one PostgreSQL with a short lease. The first is frozen (SIGSTOP) in
 * the middle of a step for longer than the lease; the second takes the run over and finishes it;
 * then the first is thawed (SIGCONT) and its step body returns. From then on the first writes
 * nothing for that run: no checkpoint, no event, no change of the run's row, and no further step
 * (checked in the database). Needs the shared database, so it runs in the PostgreSQL pass
 * ({@code -Dcrux.db=postgresql}) and is reported skipped on H2.
 */
class LeaseLossIT {

    private static final String READY = FaultWar.FAULT + "/pid";
    private static ServerPair pair;
    private static AppServer first;
    private static AppServer second;
    private static Long frozen;

    @BeforeAll
    static void startServers() {
        pair = ServerPair.start(
                "cruxLeaseFirst", env("lease-first"), "cruxLeaseSecond", env("lease-second"), FaultWar::build, READY);
        first = pair.first();
        second = pair.second();
    }

    private static Map<String, String> env(String node) {
        return Map.of("CRUX_NODE_ID", node, "CRUX_LEASE_DURATION", "PT3S", "CRUX_MAINTENANCE_INTERVAL", "PT1S");
    }

    @AfterAll
    static void stopServers() {
        if (frozen != null) {
            signal("-CONT", frozen);
        }
        if (pair != null) {
            pair.stopQuietly();
        }
    }

    @Test
    void aServerThatLostItsLeaseWritesNothingMoreForTheRun() {
        Probe onFirst = new Probe(first);
        Probe onSecond = new Probe(second);
        String runId = onFirst.start("steps", "{\"count\":3,\"gateAt\":2}");
        await("s2 runs on the first server")
                .atMost(Duration.ofMinutes(1))
                .until(() -> onFirst.executions(runId, "s2") == 1);

        long pid = onFirst.pid();
        signal("-STOP", pid);
        frozen = pid;
        await("the second server takes the run over and finishes it")
                .atMost(Duration.ofMinutes(1))
                .until(() -> {
                    endSessionsBlockingOthers();
                    return "COMPLETED".equals(onSecond.status(runId));
                });
        Map<String, Object> run = onSecond.run(runId);
        List<Object> checkpoints = onSecond.checkpoints(runId);
        List<Map<String, Object>> events = onSecond.storedEnvelopes(runId);
        assertThat(checkpoints)
                .as("checkpoints after the takeover")
                .hasSize(3)
                .element(1)
                .asString()
                .contains("s2@lease-second");

        signal("-CONT", pid);
        frozen = null;
        onFirst.openGate(runId);
        await("the first server's step body went on")
                .atMost(Duration.ofMinutes(1))
                .until(() -> onSecond.executions(runId, "s2:released") == 1);

        // the first server had s2's result in hand: whatever it does with it must not reach the database
        await("the first server writes nothing more for the run")
                .during(Duration.ofSeconds(5))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> {
                    assertThat(onSecond.run(runId)).as("the run's row").isEqualTo(run);
                    assertThat(onSecond.checkpoints(runId))
                            .as("the run's checkpoints")
                            .isEqualTo(checkpoints);
                    assertThat(onSecond.storedEnvelopes(runId))
                            .as("the run's events")
                            .isEqualTo(events);
                });
        assertThat(onSecond.ledger(runId))
                .as("no step started on the first server after the takeover")
                .filteredOn(r -> "lease-first".equals(r.get("node")))
                .extracting(r -> r.get("step"))
                .containsExactly("s1", "s2", "s2:released");
        assertThat(onSecond.storedEnvelopes(runId))
                .extracting(e -> (String) e.get("json"))
                .noneMatch(json -> json.contains("on lease-first") && json.contains("s2"));
    }

    /**
     * Frozen at a random moment, the first server may hold a transaction open (a lease renewal it
     * was committing), whose lock on the run's row the second server's claim then waits for, as it
     * would in production for a stalled server until PostgreSQL ends its session
     * ({@code idle_in_transaction_session_timeout}, README "Leases and fencing"). This does what
     * that setting does, for the sessions that have kept another waiting for longer than the lease.
     */
    private static void endSessionsBlockingOthers() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", env("CRUX_DB_USER", "postgres"));
        p.setProperty("password", env("CRUX_DB_PASSWORD", ""));
        String url = "jdbc:postgresql://" + env("CRUX_DB_HOST", "127.0.0.1") + ":" + env("CRUX_DB_PORT", "5432") + "/"
                + env("CRUX_DB_NAME", "test");
        try (Connection c = DriverManager.getConnection(url, p);
                Statement s = c.createStatement();
                ResultSet ended = s.executeQuery("SELECT DISTINCT b, pg_terminate_backend(b) FROM pg_stat_activity a,"
                        + " unnest(pg_blocking_pids(a.pid)) b WHERE a.datname = current_database()"
                        + " AND a.wait_event_type = 'Lock' AND now() - a.query_start > interval '3 seconds'")) {
            while (ended.next()) {
                System.out.println("LeaseLossIT: ended PostgreSQL session " + ended.getInt(1)
                        + ", which had kept the takeover waiting for a lock (the frozen server's open transaction)");
            }
        }
    }

    private static String env(String name, String orElse) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? orElse : value;
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(pid))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
