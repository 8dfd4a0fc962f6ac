package io.crux.ee.sse;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.crux.ee.catalog.Messages;
import io.crux.ee.service.FlowService;
import io.crux.ee.service.RunFilter;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.sse.internal.BasicLogin;
import io.crux.ee.sse.internal.DevtoolsAccess;
import io.crux.ee.sse.internal.DevtoolsStream;
import io.crux.ee.sse.internal.DevtoolsViews;
import io.crux.ee.sse.internal.NulFree;
import io.crux.ee.sse.internal.Paging;
import io.crux.ee.sse.internal.Problems;
import io.crux.ee.sse.internal.SameOrigin;
import io.crux.ee.sse.internal.SseStreams;

/**
 * The operator's view of the runs (the devtools): pages of runs filtered in the database with
 * counts by status, one run's timeline, cancel, and live streams. Answers only when
 * {@code crux.devtools.enabled=true} (404 otherwise) and only to the operator role
 * ({@code crux.http.operator-role}): 401 without a user, 403 for another user.
 */
@ApplicationScoped
@BasicLogin
@SameOrigin
@NulFree
@Path("devtools")
@Produces(MediaType.APPLICATION_JSON)
public class DevtoolsResource {

    /** The default page size. */
    static final int DEFAULT_LIMIT = 50;

    /** The largest page. */
    static final int MAX_LIMIT = 200;

    /** How long a stream may stay silent before a comment keeps it open. */
    private static final Duration HEARTBEAT = ConfigProvider.getConfig()
            .getOptionalValue("crux.sse.heartbeat", String.class)
            .map(Duration::parse)
            .orElse(Duration.ofSeconds(15));

    @Inject
    FlowService flows;

    @Inject
    SseStreams streams;

    /**
     * One page of runs, newest first, with the counts by status of the same filter.
     *
     * @param flow the flow's name, or absent
     * @param status a status name, or absent
     * @param user a user id, or absent
     * @param session a session id, or absent
     * @param from runs created at or after this instant, or absent
     * @param to runs created before this instant, or absent
     * @param cursor the {@code next} of the previous page, or absent
     * @param limit the page size, 1 to 200, default 50
     * @return {@code {"runs":[...],"next":cursor|null,"counts":{...}}}
     */
    @GET
    @Path("runs")
    public Map<String, Object> runs(
            @QueryParam("flow") String flow,
            @QueryParam("status") String status,
            @QueryParam("user") String user,
            @QueryParam("session") String session,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("cursor") String cursor,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "200")) @QueryParam("limit")
                    String limit,
            @Context SecurityContext security) {
        allow(security);
        // a String, read here: Jakarta REST answers 404 to an Integer parameter it cannot convert,
        // and the contract says 400 like the other filters
        int size = Paging.read("limit", limit, text -> DevtoolsViews.pageSize(text, DEFAULT_LIMIT, MAX_LIMIT));
        RunFilter filter = new RunFilter(
                blankToNull(flow),
                Paging.read("status", status, DevtoolsViews::status),
                blankToNull(user),
                blankToNull(session),
                Paging.read("from", from, DevtoolsViews::instant),
                Paging.read("to", to, DevtoolsViews::instant),
                cursor == null || cursor.isBlank() ? null : Paging.read("cursor", cursor, DevtoolsViews::cursor),
                size);
        List<RunRecord> page = flows.findRuns(filter);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("runs", page.stream().map(DevtoolsViews::summary).toList());
        body.put("next", page.size() == size ? DevtoolsViews.cursor(page.get(page.size() - 1)) : null);
        Map<String, Long> counts = new LinkedHashMap<>();
        flows.countByStatus(filter).forEach((s, n) -> counts.put(s.name(), n));
        body.put("counts", counts);
        return body;
    }

    /**
     * @param runId a run id
     * @return the run's detail: steps as timed bars with their attempts, failures, suspension with
     *     its payload's schema, children, items, events and state
     */
    @GET
    @Path("runs/{runId}")
    public Map<String, Object> run(@PathParam("runId") String runId, @Context SecurityContext security) {
        allow(security);
        return DevtoolsViews.detail(flows, stored(runId));
    }

    /**
     * Cancels a run that has not ended.
     *
     * @param runId a run id
     * @param reason why, or absent
     * @return the run's summary after the cancel: 200 when cancelled, 202 while it unwinds; 409 when
     *     it had already ended, or ended otherwise (completed, failed) while the cancel was on its way
     */
    @POST
    @Path("runs/{runId}/cancel")
    public Response cancel(
            @PathParam("runId") String runId, @QueryParam("reason") String reason, @Context SecurityContext security) {
        allow(security);
        RunRecord run = stored(runId);
        if (run.status().isFinal()) {
            throw Problems.problem(409, "Conflict", Messages.runAlreadyEnded(runId, run.status()));
        }
        String who = security.getUserPrincipal().getName();
        flows.handleOfRun(runId).cancel(runId, reason == null ? "cancelled in the devtools by " + who : reason);
        RunRecord after = stored(runId);
        int answer = DevtoolsViews.cancelStatus(after.status());
        if (answer == 409) { // the run ended otherwise while the cancel was on its way
            throw Problems.problem(409, "Conflict", Messages.runAlreadyEnded(runId, after.status()));
        }
        return Response.status(answer)
                .entity(DevtoolsViews.summary(after))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * Every run created or changed from now on, as {@code {"type":"run.changed","run":RunSummary}}
     * events: the store is read every {@code crux.devtools.poll}, so runs of every server appear.
     *
     * @param response resumed with the stream, written on a thread of its own
     */
    @GET
    @Path("stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void changes(@Context SecurityContext security, @Suspended AsyncResponse response) {
        allow(security);
        streams.start(
                "crux-devtools",
                response,
                DevtoolsStream.changes(flows, DevtoolsAccess.poll(), HEARTBEAT, Clock.systemUTC()));
    }

    /**
     * One run's detail as {@code {"type":"run.detail","run":RunDetail}}: at once, then whenever it
     * changes; the stream ends after the run has ended.
     *
     * @param runId a run id
     * @param response resumed with the stream, written on a thread of its own
     */
    @GET
    @Path("runs/{runId}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void runStream(
            @PathParam("runId") String runId, @Context SecurityContext security, @Suspended AsyncResponse response) {
        allow(security);
        stored(runId);
        streams.start(
                "crux-devtools " + runId, response, DevtoolsStream.run(flows, runId, DevtoolsAccess.poll(), HEARTBEAT));
    }

    private RunRecord stored(String runId) {
        return flows.run(runId)
                .filter(r -> flows.flow(r.flowName()).isPresent())
                .orElseThrow(() -> Problems.notFound(Messages.runNotFound(runId, "*")));
    }

    /** The one check of every devtools request: enabled, a user, the operator role. */
    static void allow(SecurityContext security) {
        var user = security == null ? null : security.getUserPrincipal();
        DevtoolsAccess.Verdict verdict = DevtoolsAccess.check(user, role -> security.isUserInRole(role));
        if (verdict != DevtoolsAccess.Verdict.ALLOWED) {
            String title = switch (verdict) {
                case DISABLED -> "Not Found";
                case NO_USER -> "Unauthorized";
                default -> "Forbidden";
            };
            throw Problems.problem(verdict.status(), title, DevtoolsAccess.detail(verdict, user));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
