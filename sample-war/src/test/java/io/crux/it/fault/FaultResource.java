package io.crux.it.fault;

import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * What the fault tests read of the database, with plain SQL on crux-ee's tables (not through the
 * engine, whose answers are under test), and the gates they open.
 */
@RequestScoped
@Path("fault")
@Produces(MediaType.APPLICATION_JSON)
public class FaultResource {

    /** The tables an action, a stream or a signal may write. */
    static final List<String> TABLES = List.of(
            "CRUX_FLOW_RUN", "CRUX_STEP", "CRUX_SUSPENSION", "CRUX_SESSION", "CRUX_STATE", "CRUX_ITEM", "CRUX_EVENT");

    @Resource(lookup = "java:comp/DefaultDataSource")
    DataSource dataSource;

    @Inject
    Ledger ledger;

    @Inject
    Gates gates;

    @GET
    @Path("pid")
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @POST
    @Path("gates/{runId}")
    public Map<String, Object> open(@PathParam("runId") String runId) {
        gates.open(runId);
        return Map.of("opened", runId);
    }

    @GET
    @Path("ledger/{runId}")
    public List<Map<String, Object>> ledger(@PathParam("runId") String runId) {
        return ledger.rows(runId);
    }

    /** @return the run's row: status, owner, version and output */
    @GET
    @Path("runs/{runId}")
    public Map<String, Object> run(@PathParam("runId") String runId) {
        List<Map<String, Object>> rows =
                query("select STATUS, OWNER, VERSION, OUTPUT_JSON, ERROR from CRUX_FLOW_RUN where ID = ?", runId);
        if (rows.isEmpty()) {
            throw new NotFoundException(runId);
        }
        return rows.get(0);
    }

    /** @return the run's checkpoints in position order */
    @GET
    @Path("runs/{runId}/checkpoints")
    public List<Map<String, Object>> checkpoints(@PathParam("runId") String runId) {
        return query(
                "select POSITION, LABEL, KIND, OUTPUT_JSON, VERSION from CRUX_STEP where FLOW_ID = ? order by POSITION",
                runId);
    }

    /** @return the request's stored events one by one (rows hold runs of them), in sequence order, with their envelopes */
    @GET
    @Path("requests/{requestId}/events")
    public List<Map<String, Object>> events(@PathParam("requestId") String requestId) {
        List<Map<String, Object>> events = new ArrayList<>();
        for (Map<String, Object> row : query(
                "select FIRST_SEQ, SEQ, TYPE, EVENT_TYPES, EVENT_JSON from CRUX_EVENT"
                        + " where REQUEST_ID = ? order by SEQ",
                requestId)) {
            long last = ((Number) row.get("SEQ")).longValue();
            long first = row.get("FIRST_SEQ") == null ? last : ((Number) row.get("FIRST_SEQ")).longValue();
            String[] types = row.get("EVENT_TYPES") == null
                    ? new String[] {(String) row.get("TYPE")}
                    : ((String) row.get("EVENT_TYPES")).split("\n");
            String[] envelopes = ((String) row.get("EVENT_JSON")).split("\n");
            for (long seq = first; seq <= last; seq++) {
                int i = (int) (seq - first);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("seq", seq);
                event.put("type", i < types.length ? types[i] : null);
                event.put("json", i < envelopes.length ? envelopes[i] : null);
                events.add(event);
            }
        }
        return events;
    }

    /** @return the row count of each of crux-ee's tables */
    @GET
    @Path("counts")
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(
                    table,
                    ((Number) query("select count(*) as N from " + table).get(0).get("N")).longValue());
        }
        return counts;
    }

    private List<Map<String, Object>> query(String sql, String... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                q.setString(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof Clob clob) { // H2's TEXT
                            value = clob.getSubString(1, (int) clob.length());
                        }
                        row.put(rs.getMetaData().getColumnLabel(i).toUpperCase(Locale.ROOT), value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
