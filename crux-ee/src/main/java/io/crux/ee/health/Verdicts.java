package io.crux.ee.health;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.crux.ee.engine.MaintenanceStatus;

/**
 * The decisions of the three checks, from what the engine and the database said, apart from CDI so
 * that they can be tested alone. The responses are built with the MicroProfile Health API's
 * constructor, which needs no provider.
 */
final class Verdicts {

    /** The name of every crux-ee check. */
    static final String NAME = "crux-ee";

    private Verdicts() {}

    /**
     * Ready when the database answers, crux-ee's tables are there and, on a node that runs
     * maintenance (it has flows), a pass succeeded within twice the interval.
     *
     * @param node this node's id
     * @param flows how many flows are defined
     * @param maintenance how maintenance stands
     * @param db what the database said
     * @param now the time
     * @return the response
     */
    static HealthCheckResponse readiness(
            String node, int flows, MaintenanceStatus maintenance, DatabaseProbe db, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("node", node);
        if (!db.probed()) {
            data.put("database", "not probed: crux.health.database=false or a flow store of the application's");
        } else if (db.database() != null) {
            data.put("database", db.database());
        }
        if (!db.probed()) {
            // nothing to say about tables crux-ee does not keep
        } else if (db.error() != null) {
            data.put("databaseError", db.error());
        } else {
            data.put(
                    "tables",
                    db.missingTables().isEmpty() ? "present" : "missing " + String.join(", ", db.missingTables()));
        }
        boolean maintenanceUp = maintenance(flows, maintenance, now, data);
        return response(db.up() && maintenanceUp, data);
    }

    /**
     * Live unless maintenance stalled: the scheduler refused its next pass, or a pass has run longer
     * than {@link MaintenanceStatus#hangLimit()}, so that this node would run its flows on without
     * renewing their leases until restarted. A node without flows runs no maintenance.
     *
     * @param node this node's id
     * @param flows how many flows are defined
     * @param maintenance how maintenance stands
     * @param now the time
     * @return the response
     */
    static HealthCheckResponse liveness(String node, int flows, MaintenanceStatus maintenance, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("node", node);
        data.put("flows", (long) flows);
        if (flows == 0) {
            data.put("maintenance", "not needed: no flows");
            return response(true, data);
        }
        if (maintenance.passStarted() != null) {
            data.put("passStarted", maintenance.passStarted().toString());
        }
        boolean hung = maintenance.hung(now);
        data.put(
                "maintenance",
                maintenance.stalled()
                        ? "stalled: the scheduler refused its next pass"
                        : hung ? "stalled: a pass has run for more than " + maintenance.hangLimit() : "scheduled");
        return response(!maintenance.stalled() && !hung, data);
    }

    /**
     * Started once the first maintenance pass finished (orphaned runs were looked for), or at once
     * on a node without flows, which runs no maintenance.
     *
     * @param node this node's id
     * @param flows how many flows are defined
     * @param maintenance how maintenance stands
     * @return the response
     */
    static HealthCheckResponse startup(String node, int flows, MaintenanceStatus maintenance) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("node", node);
        data.put("flows", (long) flows);
        if (flows == 0) {
            data.put("maintenance", "not needed: no flows");
            return response(true, data);
        }
        data.put("firstPass", maintenance.firstPassFinished() ? "finished" : "not finished");
        return response(maintenance.firstPassFinished(), data);
    }

    /**
     * A check that could not ask the engine (it failed to start, or the application is stopping).
     *
     * @param e what the engine threw
     * @return a DOWN response that says why
     */
    static HealthCheckResponse failed(RuntimeException e) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("error", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        return response(false, data);
    }

    /** Adds maintenance's data; @return whether it is as it should be for readiness */
    private static boolean maintenance(int flows, MaintenanceStatus m, Instant now, Map<String, Object> data) {
        data.put("flows", (long) flows);
        if (flows == 0) {
            data.put("maintenance", "not needed: no flows");
            return true;
        }
        data.put("maintenanceInterval", m.interval().toString());
        if (m.lastPassEnded() != null) {
            data.put("lastMaintenance", m.lastPassEnded().toString());
        }
        boolean overdue = m.overdue(now);
        data.put(
                "maintenance",
                !m.started()
                        ? "not started"
                        : m.lastPassEnded() == null
                                ? "no pass finished yet"
                                : overdue ? "overdue: no pass for more than twice the interval" : "on time");
        return m.started() && !overdue;
    }

    private static HealthCheckResponse response(boolean up, Map<String, Object> data) {
        return new HealthCheckResponse(
                NAME, up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN, Optional.of(data));
    }
}
