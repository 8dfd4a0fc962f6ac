package io.crux.ee.sse;

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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.cdi.CruxRuntime;
import io.crux.ee.engine.Messages;
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
    public List<FlowRunInfo> list(@QueryParam("status") FlowStatus status) {
        return runtime.engine().listAll(status);
    }

    /**
     * @param runId the run id
     * @return the run with its steps
     */
    @GET
    @Path("{runId}")
    public FlowRunInfo get(@PathParam("runId") String runId) {
        return runtime.engine().handleOfRun(runId).get(runId)
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
    @Path("{runId}/signals/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @BodyLimit
    public Response signal(@PathParam("runId") String runId, @PathParam("name") String name, String payload) {
        FlowResult<Object> result = runtime.engine().handleOfRun(runId).signal(runId, name, JsonBodies.parse(payload));
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
    public FlowRunInfo cancel(@PathParam("runId") String runId, @QueryParam("reason") String reason) {
        runtime.engine().handleOfRun(runId).cancel(runId, reason == null ? "cancelled over HTTP" : reason);
        return get(runId);
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
