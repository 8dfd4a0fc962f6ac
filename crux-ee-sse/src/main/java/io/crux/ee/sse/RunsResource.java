package io.crux.ee.sse;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.cdi.CruxRuntime;
import io.crux.ee.engine.Messages;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.sse.internal.BodyLimit;
import io.crux.ee.sse.internal.JsonBodies;

/**
 * Runs of every flow of the application: list, read, signal and cancel. Errors answer
 * {@code application/problem+json}: 404 unknown run, 409 wrong state or lost race, 400 invalid
 * payload; an expired suspension answers 410.
 */
@ApplicationScoped
@Path("flows/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    @Inject
    CruxRuntime runtime;

    /**
     * @param status the status to match, or absent for all
     * @return the newest runs, at most 500
     */
    @GET
    public List<FlowRunInfo> list(@QueryParam("status") FlowStatus status, @Context SecurityContext security) {
        String user = user(security);
        return runtime.engine().listAll(status).stream()
                .filter(info -> runtime.engine().run(info.flowId()).map(r -> visible(r, user)).orElse(false))
                .toList();
    }

    /**
     * @param runId the run id
     * @return the run with its steps
     */
    @GET
    @Path("{runId}")
    public FlowRunInfo get(@PathParam("runId") String runId, @Context SecurityContext security) {
        return handle(runId, security).get(runId)
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(runId, "*"), runId));
    }

    /**
     * Delivers a signal and waits until the run completes, suspends again or ends.
     *
     * @param runId the run id
     * @param name the suspension's name
     * @param payload the JSON payload, or empty
     * @return the outcome; 410 if the suspension expired
     */
    @POST
    @Path("{runId}/signals/{name: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @BodyLimit
    public Response signal(@PathParam("runId") String runId, @PathParam("name") String name, String payload,
            @Context SecurityContext security) {
        FlowResult<Object> result = handle(runId, security).signal(runId, name, JsonBodies.parse(payload));
        int status = result instanceof FlowResult.Expired<?> ? 410 : 200;
        return Response.status(status).entity(outcome(result)).type(MediaType.APPLICATION_JSON).build();
    }

    /**
     * @param runId the run id
     * @param reason why
     * @return the run after the cancel
     */
    @POST
    @Path("{runId}/cancel")
    public FlowRunInfo cancel(@PathParam("runId") String runId, @QueryParam("reason") String reason,
            @Context SecurityContext security) {
        handle(runId, security).cancel(runId, reason == null ? "cancelled over HTTP" : reason);
        return get(runId, security);
    }

    /** A run that acts for a user is visible to that user only; other runs to everyone who may call the API. */
    private FlowHandle<Object, Object> handle(String runId, SecurityContext security) {
        runtime.engine().run(runId).filter(r -> visible(r, user(security)))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(runId, "*"), runId));
        return runtime.engine().handleOfRun(runId);
    }

    private static boolean visible(RunRecord run, String user) {
        return run.userId() == null || run.userId().equals(user);
    }

    private static String user(SecurityContext security) {
        Principal p = security == null ? null : security.getUserPrincipal();
        return p == null ? null : p.getName();
    }

    /**
     * @param result a run's outcome
     * @return its JSON form: {@code flowId}, {@code status} and the fields of that status
     */
    public static Map<String, Object> outcome(FlowResult<?> result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flowId", result.flowId());
        if (result instanceof FlowResult.Completed<?> c) {
            body.put("status", "completed");
            body.put("output", c.output());
        } else if (result instanceof FlowResult.Suspended<?> s) {
            body.put("status", "suspended");
            body.put("name", s.name());
            body.put("suspendedAt", s.suspendedAt().toString());
            if (s.expiresAt() != null) {
                body.put("expiresAt", s.expiresAt().toString());
            }
        } else if (result instanceof FlowResult.Cancelled<?> c) {
            body.put("status", "cancelled");
            body.put("reason", c.reason());
        } else {
            body.put("status", "expired");
        }
        return body;
    }
}
