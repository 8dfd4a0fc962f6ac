package io.crux.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;

/**
 * Database faults on PostgreSQL, on a cluster of the test's own ({@link PrivateCluster}): the
 * server's connections are ended ({@code pg_terminate_backend}) while a client streams and, at a
 * named point ({@link HaltPoints#END_CONNECTIONS}), just before a step's checkpoint is written; and
 * the database is restarted while a run is active, stopped as a step's checkpoint is written
 * ({@link HaltPoints#PAUSE}). The runs finish, the streams
 * resume with {@code Last-Event-ID}, and nothing is lost: every stored event read once, in order,
 * and a step whose checkpoint committed never runs again. Runs in the PostgreSQL pass
 * ({@code -Dcrux.db=postgresql}) and is reported skipped on H2 or without PostgreSQL's binaries.
 */
class DatabaseFaultsIT {

    private static final String READY = FaultWar.FAULT + "/pid";
    private static final int PG_PORT = Integer.getInteger("fault.pg.port", 55432);
    private static PrivateCluster cluster;
    private static HaltPoints points;
    private static AppServer server;
    private static Probe probe;

    @BeforeAll
    static void start() {
        assumeTrue(
                "postgresql".equals(System.getProperty("crux.db")),
                "database faults are injected into PostgreSQL: this test runs only with -Dcrux.db=postgresql");
        Path bin = PrivateCluster.binaries().orElse(null);
        assumeTrue(bin != null, "no PostgreSQL binaries under /usr/lib/postgresql/*/bin to run a private cluster with");
        cluster = PrivateCluster.start(bin, PG_PORT);
        Map<String, String> env = new HashMap<>(cluster.serverEnv());
        env.putAll(Map.of(
                "CRUX_NODE_ID", "db-fault-node", "CRUX_LEASE_DURATION", "PT3S", "CRUX_MAINTENANCE_INTERVAL", "PT1S"));
        points = HaltPoints.create();
        server = AppServer.create("cruxFaultDb", env);
        points.install(server);
        server.deploy(FaultWar.build());
        server.start(READY);
        probe = new Probe(server);
    }

    @AfterAll
    static void stop() {
        try {
            if (server != null) {
                server.stopQuietly();
            }
        } finally {
            if (cluster != null) {
                cluster.stopQuietly();
            }
        }
    }

    @Test
    void connectionsEndedMidStepAndMidStream() {
        String runId = probe.start("steps", "{\"count\":3,\"gateAt\":2}");
        StreamReader reader = StreamReader.open(probe.streamUrl(runId), FaultWar.ALICE);
        await("s2 runs").atMost(Duration.ofMinutes(1)).until(() -> probe.executions(runId, "s2") == 1);
        await("the reader has the first events")
                .atMost(Duration.ofSeconds(30))
                .until(() -> reader.events().size() >= 2);

        // mid-stream: the stream's reads and the lease renewals meet ended sessions
        assertThat(cluster.terminateServerConnections())
                .as("the server's connections")
                .isPositive();
        // mid-step: the pool's connections are ended again just before s2's checkpoint is written
        points.arm(HaltPoints.END_CONNECTIONS + "s2");
        probe.openGate(runId);
        await("the connections were ended before s2's checkpoint")
                .atMost(Duration.ofMinutes(1))
                .until(() -> !points.armed(HaltPoints.END_CONNECTIONS + "s2"));

        assertRecovered(runId, reader);
    }

    @Test
    void databaseRestartedWhileARunIsActive() {
        String runId = probe.start("steps", "{\"count\":3,\"gateAt\":2}");
        StreamReader reader = StreamReader.open(probe.streamUrl(runId), FaultWar.ALICE);
        await("s2 runs").atMost(Duration.ofMinutes(1)).until(() -> probe.executions(runId, "s2") == 1);
        String pause = HaltPoints.PAUSE + "s2";
        points.arm(pause);
        probe.openGate(runId);
        await("s2's checkpoint is about to be written")
                .atMost(Duration.ofMinutes(1))
                .until(() -> points.reached(pause));

        cluster.stop();
        try {
            await("the server sees the database gone")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !probe.databaseReachable());
            points.disarm(pause); // s2's checkpoint is written while the database is down
        } finally {
            cluster.start();
        }

        assertRecovered(runId, reader);
    }

    private static void assertRecovered(String runId, StreamReader reader) {
        await("the run ends")
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> List.of("COMPLETED", "FAILED", "CANCELLED").contains(probe.status(runId)));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(probe.run(runId)).as("the run's row").containsEntry("STATUS", "COMPLETED");
        soft.assertThat(probe.executions(runId, "s1"))
                .as("s1 committed before the fault: it never runs again")
                .isEqualTo(1);
        soft.assertThat(probe.executions(runId, "s2"))
                .as("s2 ran at least once, at most once more (at least once)")
                .isBetween(1L, 2L);
        soft.assertThat(probe.executions(runId, "s3")).isEqualTo(1);
        List<String> stored = probe.storedEvents(runId);
        reader.readToEnd(4, Duration.ofSeconds(60));
        soft.assertThat(stored)
                .extracting(e -> Long.parseLong(e.substring(0, e.indexOf(':'))))
                .as("stored sequence numbers")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, stored.size()).boxed().toList());
        soft.assertThat(reader.seqAndTypes())
                .as("read over %s", reader.connections())
                .containsExactlyElementsOf(stored);
        soft.assertAll();
    }
}
