package io.crux.ee.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

import io.crux.ee.engine.MaintenanceStatus;

/** What each check decides from the engine's maintenance status and the database probe. */
class VerdictsTest {

    private static final Instant NOW = Instant.parse("2026-12-06T01:00:00Z");
    private static final Duration EVERY = Duration.ofSeconds(10);
    private static final DatabaseProbe DB_UP = new DatabaseProbe("PostgreSQL", List.of(), null);

    private static MaintenanceStatus lastPassAgo(Duration ago) {
        return new MaintenanceStatus(true, false, true, NOW.minus(ago), EVERY);
    }

    @Test
    void readyWhileTheLastPassIsAtMostTwiceTheIntervalOld() {
        HealthCheckResponse r = Verdicts.readiness("n1", 2, lastPassAgo(EVERY.multipliedBy(2)), DB_UP, NOW);

        assertThat(r.getName()).isEqualTo("crux-ee");
        assertThat(r.getStatus()).isEqualTo(Status.UP);
        assertThat(r.getData().orElseThrow())
                .containsEntry("database", "PostgreSQL")
                .containsEntry("tables", "present")
                .containsEntry("maintenance", "on time")
                .containsEntry("maintenanceInterval", "PT10S")
                .containsEntry(
                        "lastMaintenance", NOW.minus(EVERY.multipliedBy(2)).toString());
    }

    @Test
    void notReadyOnceTheLastPassIsOlderThanTwiceTheInterval() {
        HealthCheckResponse r =
                Verdicts.readiness("n1", 2, lastPassAgo(EVERY.multipliedBy(2).plusMillis(1)), DB_UP, NOW);

        assertThat(r.getStatus()).isEqualTo(Status.DOWN);
        assertThat(r.getData().orElseThrow().get("maintenance").toString()).startsWith("overdue");
    }

    @Test
    void notReadyBeforeTheFirstPassNorWhenMaintenanceIsNotStarted() {
        MaintenanceStatus none = new MaintenanceStatus(true, false, false, null, EVERY);
        MaintenanceStatus notStarted = new MaintenanceStatus(false, false, false, null, EVERY);

        assertThat(Verdicts.readiness("n1", 1, none, DB_UP, NOW).getStatus()).isEqualTo(Status.DOWN);
        assertThat(Verdicts.readiness("n1", 1, notStarted, DB_UP, NOW).getData().orElseThrow())
                .containsEntry("maintenance", "not started");
    }

    @Test
    void withoutFlowsMaintenanceIsNotNeeded() {
        MaintenanceStatus notStarted = new MaintenanceStatus(false, false, false, null, EVERY);

        assertThat(Verdicts.readiness("n1", 0, notStarted, DB_UP, NOW).getStatus())
                .isEqualTo(Status.UP);
        assertThat(Verdicts.startup("n1", 0, notStarted).getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void notReadyWhenTheDatabaseFailsOrTablesAreMissing() {
        DatabaseProbe unreachable = new DatabaseProbe(null, List.of(), "PSQLException: Connection refused");
        DatabaseProbe noSchema = new DatabaseProbe("H2", List.of("CRUX_FLOW_RUN", "CRUX_STEP"), null);

        HealthCheckResponse down = Verdicts.readiness("n1", 1, lastPassAgo(Duration.ZERO), unreachable, NOW);
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getData().orElseThrow())
                .containsEntry("databaseError", "PSQLException: Connection refused")
                .doesNotContainKey("tables");

        HealthCheckResponse missing = Verdicts.readiness("n1", 1, lastPassAgo(Duration.ZERO), noSchema, NOW);
        assertThat(missing.getStatus()).isEqualTo(Status.DOWN);
        assertThat(missing.getData().orElseThrow()).containsEntry("tables", "missing CRUX_FLOW_RUN, CRUX_STEP");
    }

    @Test
    void startedOnceTheFirstPassFinished() {
        assertThat(Verdicts.startup("n1", 1, new MaintenanceStatus(true, false, false, null, EVERY))
                        .getStatus())
                .isEqualTo(Status.DOWN);
        assertThat(Verdicts.startup("n1", 1, lastPassAgo(Duration.ofHours(1))).getStatus())
                .as("startup does not go down again")
                .isEqualTo(Status.UP);
    }

    @Test
    void liveUnlessMaintenanceStalled() {
        assertThat(Verdicts.liveness("n1", 1, lastPassAgo(Duration.ofHours(1)), NOW)
                        .getStatus())
                .as("an old pass (the database is away) is no reason to restart")
                .isEqualTo(Status.UP);
        assertThat(Verdicts.liveness("n1", 1, new MaintenanceStatus(true, true, true, NOW, EVERY), NOW)
                        .getStatus())
                .isEqualTo(Status.DOWN);
    }

    @Test
    void notLiveWhenAPassHasRunLongerThanThreeIntervalsOrTheLease() {
        Duration lease = Duration.ofSeconds(30);
        MaintenanceStatus running = new MaintenanceStatus(true, false, true, NOW, EVERY, NOW, lease);
        MaintenanceStatus longLease = new MaintenanceStatus(true, false, true, NOW, EVERY, NOW, Duration.ofMinutes(2));

        HealthCheckResponse atTheLimit = Verdicts.liveness("n1", 1, running, NOW.plus(lease));
        HealthCheckResponse past =
                Verdicts.liveness("n1", 1, running, NOW.plus(lease).plusMillis(1));

        assertThat(atTheLimit.getStatus()).isEqualTo(Status.UP);
        assertThat(atTheLimit.getData().orElseThrow())
                .containsEntry("maintenance", "scheduled")
                .containsEntry("passStarted", NOW.toString());
        assertThat(past.getStatus()).isEqualTo(Status.DOWN);
        assertThat(past.getData().orElseThrow())
                .containsEntry("maintenance", "stalled: a pass has run for more than PT30S");
        assertThat(Verdicts.liveness("n1", 1, longLease, NOW.plusSeconds(31)).getStatus())
                .as("the lease, when longer than three intervals, is the limit")
                .isEqualTo(Status.UP);
    }

    @Test
    void aLiveNodeWithoutFlowsNeedsNoMaintenance() {
        HealthCheckResponse r =
                Verdicts.liveness("n1", 0, new MaintenanceStatus(false, false, false, null, EVERY), NOW);

        assertThat(r.getStatus()).isEqualTo(Status.UP);
        assertThat(r.getData().orElseThrow()).containsEntry("maintenance", "not needed: no flows");
    }

    @Test
    void aFailedEngineIsDownWithTheReason() {
        HealthCheckResponse r = Verdicts.failed(new IllegalStateException("crux-ee needs the resource x"));

        assertThat(r.getStatus()).isEqualTo(Status.DOWN);
        assertThat(r.getData().orElseThrow())
                .containsEntry("error", "IllegalStateException: crux-ee needs the resource x");
    }

    @Test
    void readyWithoutADatabaseProbeWhenCruxKeepsNoTablesThere() {
        HealthCheckResponse r = Verdicts.readiness("n1", 2, lastPassAgo(EVERY), DatabaseProbe.NOT_PROBED, NOW);

        assertThat(r.getStatus()).isEqualTo(Status.UP);
        assertThat(r.getData().orElseThrow())
                .containsEntry(
                        "database", "not probed: crux.health.database=false or a flow store of the application's")
                .doesNotContainKey("tables")
                .doesNotContainKey("databaseError");
    }
}
