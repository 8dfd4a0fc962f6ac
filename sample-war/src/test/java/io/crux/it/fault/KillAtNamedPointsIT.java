package io.crux.it.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;
import io.crux.it.support.SseClient.Event;

/**
 * kill -9 of a server at named points inside crux-ee (Byteman halts the JVM there, see
 * {@link HaltPoints}), then a restart of the same server: every run ends terminal, a step whose
 * checkpoint committed never runs again (the ledger the flow writes), and an SSE client that was
 * reading when the server died, reconnecting with {@code Last-Event-ID}, gets every stored event
 * exactly once, in order. Each scenario restarts the server, so to keep CI's budget the class runs
 * once, in the PostgreSQL pass ({@code -Dcrux.db=postgresql}, the production database), and is
 * reported skipped on H2 unless {@code -Dfault.kill.h2=true}.
 */
class KillAtNamedPointsIT {

    private static final Duration RECOVERY = Duration.ofMinutes(2);
    private static final String READY = FaultWar.FAULT + "/pid";
    private static HaltPoints points;
    private static AppServer server;
    private static Probe probe;

    @BeforeAll
    static void startServer() {
        assumeTrue(
                "postgresql".equals(System.getProperty("crux.db")) || Boolean.getBoolean("fault.kill.h2"),
                "kill -9 scenarios run in the PostgreSQL pass (-Dcrux.db=postgresql); -Dfault.kill.h2=true runs them on H2");
        points = HaltPoints.create();
        // a short lease, so the restarted server recovers its own runs at once
        server = AppServer.create(
                "cruxFaultKill",
                Map.of(
                        "CRUX_NODE_ID",
                        "kill-node",
                        "CRUX_LEASE_DURATION",
                        "PT3S",
                        "CRUX_MAINTENANCE_INTERVAL",
                        "PT1S"));
        points.install(server);
        server.deploy(FaultWar.build());
        server.start(READY);
        probe = new Probe(server);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.stopQuietly();
        }
    }

    /** A test that failed with the server down leaves it down: the next one starts it. */
    @BeforeEach
    void serverUp() {
        try {
            probe.pid();
        } catch (UncheckedIOException down) {
            server.start(READY);
        }
    }

    @Test
    void killAfterASideEffectBeforeItsCheckpointWhileAClientReads() {
        String point = HaltPoints.AFTER_SIDE_EFFECT + "s2";
        String runId = probe.start("steps", "{\"count\":3,\"gateAt\":1}");
        StreamReader reader = readerConnectedBeforeTheFault(runId);
        long pid = probe.pid();
        points.arm(point);
        probe.openGate(runId);
        restartAfterDeath(pid, point);

        await("recovered run ends").atMost(RECOVERY).until(() -> isFinal(probe.status(runId)));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(probe.status(runId)).isEqualTo("COMPLETED");
        soft.assertThat(probe.executors(runId, "s1"))
                .as("s1 committed before the crash")
                .containsExactly(pid);
        soft.assertThat(probe.executors(runId, "s2"))
                .as("s2 had not committed: it runs again once, after the restart (at least once)")
                .hasSize(2)
                .first()
                .isEqualTo(pid);
        soft.assertThat(probe.executions(runId, "s3")).isEqualTo(1);
        assertEveryStoredEventOnceInOrder(soft, runId, reader);
        soft.assertAll();
    }

    @Test
    void killAfterACheckpointCommitsBeforeItsEventsAreSent() {
        String point = HaltPoints.AFTER_COMMIT + "s2";
        String runId = probe.start("steps", "{\"count\":3,\"gateAt\":1}");
        StreamReader reader = readerConnectedBeforeTheFault(runId);
        long pid = probe.pid();
        points.arm(point);
        probe.openGate(runId);
        restartAfterDeath(pid, point);

        await("recovered run ends").atMost(RECOVERY).until(() -> isFinal(probe.status(runId)));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(probe.status(runId)).isEqualTo("COMPLETED");
        soft.assertThat(probe.executors(runId, "s1")).containsExactly(pid);
        soft.assertThat(probe.executors(runId, "s2"))
                .as("s2's checkpoint committed before the crash: it never runs again")
                .containsExactly(pid);
        soft.assertThat(probe.executions(runId, "s3")).isEqualTo(1);
        assertEveryStoredEventOnceInOrder(soft, runId, reader);
        soft.assertAll();
    }

    @Test
    void killMidSuspend() {
        String runId = probe.start("approval", "{\"text\":\"lunch\",\"urgent\":false,\"amount\":12}");
        StreamReader reader = readerConnectedBeforeTheFault(runId);
        long pid = probe.pid();
        points.arm(HaltPoints.MID_SUSPEND);
        probe.openGate(runId);
        restartAfterDeath(pid, HaltPoints.MID_SUSPEND);

        assertThat(probe.status(runId)).isEqualTo("SUSPENDED");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(probe.storedEvents(runId))
                .as("the suspension's event is stored with its status")
                .filteredOn(e -> e.endsWith(":request.suspended"))
                .hasSize(1);
        soft.assertThat(server.post(FaultWar.FLOWS + "/runs/" + runId + "/signals/go", "\"approved\"", FaultWar.ALICE)
                        .statusCode())
                .as("signal after the restart")
                .isEqualTo(200);
        await("signalled run ends").atMost(RECOVERY).until(() -> isFinal(probe.status(runId)));
        soft.assertThat(probe.status(runId)).isEqualTo("COMPLETED");
        soft.assertThat(probe.executors(runId, "before")).containsExactly(pid);
        soft.assertThat(probe.executions(runId, "after")).isEqualTo(1);
        assertEveryStoredEventOnceInOrder(soft, runId, reader);
        soft.assertAll();
    }

    @Test
    void killMidSignal() {
        String runId = probe.start("approval", "{\"text\":\"taxi\",\"urgent\":true,\"amount\":40}");
        StreamReader reader = readerConnectedBeforeTheFault(runId);
        probe.openGate(runId);
        await("suspended").atMost(RECOVERY).until(() -> "SUSPENDED".equals(probe.status(runId)));
        long pid = probe.pid();
        points.arm(HaltPoints.MID_SIGNAL);
        try {
            server.post(FaultWar.FLOWS + "/runs/" + runId + "/signals/go", "\"approved\"", FaultWar.ALICE);
        } catch (UncheckedIOException expected) {
            // the server died while it took the signal
        }
        restartAfterDeath(pid, HaltPoints.MID_SIGNAL);

        await("recovered run ends").atMost(RECOVERY).until(() -> isFinal(probe.status(runId)));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(probe.status(runId)).isEqualTo("COMPLETED");
        soft.assertThat((String) probe.run(runId).get("OUTPUT_JSON"))
                .as("the stored signal's payload")
                .contains("approved");
        soft.assertThat(probe.executions(runId, "before")).isEqualTo(1);
        soft.assertThat(probe.executions(runId, "after")).isEqualTo(1);
        assertEveryStoredEventOnceInOrder(soft, runId, reader);
        soft.assertAll();
    }

    /** Connects a reader while the run waits at its gate, and waits until it has the run's first events. */
    private static StreamReader readerConnectedBeforeTheFault(String runId) {
        StreamReader reader = StreamReader.open(probe.streamUrl(runId), FaultWar.ALICE);
        await("the reader has the first events")
                .atMost(Duration.ofSeconds(30))
                .until(() -> reader.events().size() >= 2);
        return reader;
    }

    private static void restartAfterDeath(long pid, String point) {
        try {
            // no handle when the JVM halted before this line (WildFly can halt during the request)
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            if (process.isPresent()) {
                process.get().onExit().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new AssertionError("the server did not halt at " + point + " within 60 s", e);
        } finally {
            points.disarm(point);
        }
        server.start(READY);
    }

    private static boolean isFinal(String status) {
        return List.of("COMPLETED", "FAILED", "CANCELLED", "EXPIRED").contains(status);
    }

    /**
     * What the reader read before the fault, plus what it reads reconnecting with its last id, is
     * every stored event once, in order: sequence numbers 1..n as stored, ending with the terminal event.
     */
    private static void assertEveryStoredEventOnceInOrder(SoftAssertions soft, String runId, StreamReader reader) {
        List<String> stored = probe.storedEvents(runId);
        List<Event> read = reader.readToEnd(4, Duration.ofSeconds(60));
        soft.assertThat(stored)
                .extracting(e -> Long.parseLong(e.substring(0, e.indexOf(':'))))
                .as("stored sequence numbers")
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, stored.size()).boxed().toList());
        soft.assertThat(reader.seqAndTypes())
                .as("read over %s", reader.connections())
                .containsExactlyElementsOf(stored);
        soft.assertThat(read).extracting(Event::id).doesNotHaveDuplicates();
    }
}
