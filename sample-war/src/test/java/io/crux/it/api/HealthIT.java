package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import io.crux.ee.persistence.SchemaInstaller;
import io.crux.it.support.AppServer;
import io.crux.it.support.CruxHealth;
import io.crux.it.support.CuttableProxy;
import io.crux.it.support.SameOnEveryDatabase;

/**
 * crux-ee's MicroProfile Health checks on a server of the test's own whose PostgreSQL datasource
 * goes through a relay the test cuts and restores ({@link CuttableProxy}): readiness goes down
 * while the database is unreachable and up again when it returns, and while one of crux-ee's tables
 * is missing; liveness stays up meanwhile (a restart would not bring the database back); startup
 * is up once the first maintenance pass finished. The database is the machine's PostgreSQL
 * ({@code CRUX_DB_HOST}, {@code CRUX_DB_PORT}, {@code CRUX_DB_NAME}, {@code CRUX_DB_USER},
 * {@code CRUX_DB_PASSWORD}; Liberty's defaults otherwise), in a schema of the test's own
 * ({@code health.db.schema}, default {@code crux_it_health}), which it drops and creates, and drops at the end. Without a
 * reachable PostgreSQL it fails when the suite runs on PostgreSQL ({@code -Dcrux.db=postgresql})
 * and is reported skipped, naming the reason, on H2. Since its server uses that schema whatever
 * {@code -Dcrux.db} says, it is the same test in a server kind's H2 and PostgreSQL passes: with
 * {@code -Dit.db-independent.skip=true} (CI's PostgreSQL passes, see {@link SameOnEveryDatabase}) it
 * is reported skipped, with that reason.
 */
class HealthIT {

    private static final String NAME = "it-health";
    private static final String SCHEMA = System.getProperty("health.db.schema", "crux_it_health");
    private static final String HOST = env("CRUX_DB_HOST", "127.0.0.1");
    private static final int PORT = Integer.parseInt(env("CRUX_DB_PORT", "5432"));
    private static final String DB = env("CRUX_DB_NAME", "test");
    private static final String USER = env("CRUX_DB_USER", "postgres");
    private static final String PASSWORD = env("CRUX_DB_PASSWORD", "");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    /** Why the tests are skipped, or null. */
    private static String noPostgreSql;

    /** Why the tests are skipped by request ({@code -Dit.db-independent.skip=true}), or null. */
    private static final String SKIPPED =
            SameOnEveryDatabase.skipped("its server uses a PostgreSQL schema of its own whatever -Dcrux.db says");

    private static CuttableProxy proxy;
    private static AppServer server;

    @BeforeAll
    static void start() {
        if (SKIPPED != null) {
            return; // each test says why it is skipped
        }
        try (Connection c = direct();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            s.execute("CREATE SCHEMA " + SCHEMA);
        } catch (SQLException e) {
            String why = "HealthIT needs PostgreSQL at " + HOST + ":" + PORT + "/" + DB + " as " + USER
                    + " (CRUX_DB_HOST, CRUX_DB_PORT, CRUX_DB_NAME, CRUX_DB_USER, CRUX_DB_PASSWORD), which answered: "
                    + e;
            if ("postgresql".equals(System.getProperty("crux.db"))) {
                fail(why);
            }
            noPostgreSql = why + "; the suite runs on H2 (-Dcrux.db=h2), so the test is skipped";
            return; // each test says why it is skipped
        }
        proxy = new CuttableProxy(HOST, PORT);
        Map<String, String> env = new HashMap<>();
        env.put("CRUX_DB", "postgresql");
        env.put("CRUX_DB_HOST", "127.0.0.1");
        env.put("CRUX_DB_PORT", Integer.toString(proxy.port()));
        env.put("CRUX_DB_NAME", DB);
        env.put("CRUX_DB_USER", USER);
        env.put("CRUX_DB_SCHEMA", SCHEMA);
        env.put("CRUX_MAINTENANCE_INTERVAL", "PT1S");
        env.put("CRUX_HEALTH_TIMEOUT", "PT2S");
        if (!PASSWORD.isEmpty()) { // WildFly refuses an empty one; each server has a default of its own
            env.put("CRUX_DB_PASSWORD", PASSWORD);
        }
        server = AppServer.create("cruxHealth", env).deploy(ApiWar.build(NAME));
        server.start("/" + NAME + "/api/flows");
    }

    /** Skipped test by test, so that the report counts them and says why. */
    @BeforeEach
    void postgreSqlAnswered() {
        Assumptions.assumeTrue(SKIPPED == null, SKIPPED);
        Assumptions.assumeTrue(noPostgreSql == null, noPostgreSql);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stopQuietly();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (SKIPPED == null && noPostgreSql == null) { // leave no schema behind in the shared database
            try (Connection c = direct();
                    Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            } catch (SQLException e) {
                System.err.println("HealthIT could not drop the schema " + SCHEMA + ": " + e);
            }
        }
    }

    @Test
    void readinessGoesDownWhileTheDatabaseIsUnreachableAndUpWhenItReturns() {
        Map<String, Object> ready = awaitCheck("ready", "UP");
        assertThat(CruxHealth.data(ready))
                .containsEntry("database", "PostgreSQL")
                .containsEntry("tables", "present")
                .containsEntry("maintenance", "on time")
                .containsEntry("maintenanceInterval", "PT1S")
                .containsKey("lastMaintenance");

        proxy.cut();
        try {
            Map<String, Object> down = awaitCheck("ready", "DOWN");
            assertThat(CruxHealth.data(down)).containsKey("databaseError").doesNotContainKey("tables");
            assertThat(check("live").orElseThrow())
                    .as("liveness stays up: restarting the server would not bring the database back")
                    .containsEntry("status", "UP");
        } finally {
            proxy.restore();
        }

        Map<String, Object> back = awaitCheck("ready", "UP");
        assertThat(CruxHealth.data(back)).containsEntry("tables", "present").containsEntry("maintenance", "on time");
    }

    @Test
    void readinessGoesDownWhileATableIsMissing() throws SQLException {
        awaitCheck("ready", "UP");
        try (Connection c = direct();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + SCHEMA + ".CRUX_EVENT");
        }
        try {
            Map<String, Object> down = awaitCheck("ready", "DOWN");
            assertThat(CruxHealth.data(down)).containsEntry("tables", "missing CRUX_EVENT");
        } finally {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(url() + "?currentSchema=" + SCHEMA);
            ds.setUser(USER);
            ds.setPassword(PASSWORD);
            SchemaInstaller.install(ds);
        }
        assertThat(CruxHealth.data(awaitCheck("ready", "UP"))).containsEntry("tables", "present");
    }

    @Test
    void startupAndLivenessAreUpOnceTheFirstMaintenancePassFinished() {
        Map<String, Object> started = awaitCheck("started", "UP");
        assertThat(CruxHealth.data(started)).containsEntry("firstPass", "finished");
        Map<String, Object> live = awaitCheck("live", "UP");
        assertThat(CruxHealth.data(live)).containsEntry("maintenance", "scheduled");
    }

    /** Waits until crux-ee's check has the status, and the endpoint's HTTP status agrees (200 UP, 503 DOWN). */
    private static Map<String, Object> awaitCheck(String endpoint, String status) {
        return await(endpoint + " " + status + " (" + server.healthUrl(endpoint) + ")")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            HttpResponse<String> r = server.getAbsolute(server.healthUrl(endpoint), "application/json");
                            int expected = "UP".equals(status) ? 200 : 503;
                            return r.statusCode() == expected
                                    ? CruxHealth.check(r.body())
                                    : Optional.<Map<String, Object>>empty();
                        },
                        c -> c.isPresent() && status.equals(c.get().get("status")))
                .orElseThrow();
    }

    private static Optional<Map<String, Object>> check(String endpoint) {
        return CruxHealth.check(server.getAbsolute(server.healthUrl(endpoint), "application/json")
                .body());
    }

    private static Connection direct() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    private static String url() {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + DB;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? fallback : v;
    }
}
