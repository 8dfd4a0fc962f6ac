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
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.service.FlowService;
import io.crux.ee.sse.internal.BasicLogin;
import io.crux.ee.sse.internal.BodyLimit;
import io.crux.ee.sse.internal.DevtoolsViews;
import io.crux.ee.sse.internal.JsonBodies;
import io.crux.ee.sse.internal.NulFree;
import io.crux.ee.sse.internal.Paging;
import io.crux.ee.sse.internal.Problems;
import io.crux.ee.sse.internal.SameOrigin;
import io.crux.ee.sse.openapi.Problem;

/**
 * Runs of every flow of the application: list, read, signal and cancel. A run that acts for a user
 * is reachable by that user and by the operator role ({@code crux.http.operator-role}, default
 * {@code crux-operator}); a run with no user by the operator role only. Errors answer
 * {@code application/problem+json}: 401 no authenticated user, 404 unknown run or a run of someone
 * else, 409 wrong state or lost race, 400 invalid payload; an expired suspension answers 410.
 */
@ApplicationScoped
@BasicLogin
@SameOrigin
@NulFree
@Path("flows/runs")
@Tag(name = "crux-ee runs", description = "Runs of every flow: list, read, signal and cancel")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    @Inject
    FlowService flows;

    private final String operatorRole = ConfigProvider.getConfig()
            .getOptionalValue("crux.http.operator-role", String.class)
            .orElse("crux-operator");

    /**
     * One page of the runs the caller may see, newest first, read in the database. When the page
     * is full, a {@code Link} header with {@code rel="next"} names the next page.
     *
     * @param status the status to match, or absent for all
     * @param offset how many runs to skip, default 0
     * @param limit the page size, default and most {@code crux.http.max-page-size} (100)
     * @return the runs of the page
     */
    @Operation(summary = "Lists the runs the caller may see, newest first (Link rel=next names the next page)")
    @APIResponse(responseCode = "200", description = "The runs")
    @APIResponse(
            responseCode = "400",
            description = "An invalid status, offset or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "No authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    public Response list(
            @Parameter(schema = @Schema(implementation = FlowStatus.class)) @QueryParam("status") String status,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "0")) @QueryParam("offset") String offset,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) @QueryParam("limit") String limit,
            @Context SecurityContext security,
            @Context UriInfo uri) {
        String user = user(security);
        // numbers and the status as text, read here: see Paging.number
        int size = Paging.limit(limit, Paging.maxPageSize());
        int from = Paging.offset(offset);
        List<FlowRunInfo> page = flows.findRuns(
                Paging.read("status", status, DevtoolsViews::status), operator(security) ? null : user, from, size);
        Response.ResponseBuilder answer = Response.ok(page).type(MediaType.APPLICATION_JSON);
        if (page.size() == size) {
            answer.link(
                    uri.getRequestUriBuilder()
                            .replaceQueryParam("offset", from + size)
                            .replaceQueryParam("limit", size)
                            .build(),
                    "next");
        }
        return answer.build();
    }

    /**
     * @param runId the run id
     * @return the run with its steps
     */
    @Operation(summary = "Reads a run with its steps")
    @APIResponse(responseCode = "200", description = "The run")
    @APIResponse(
            responseCode = "401",
            description = "No authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such run, or a run of another user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{runId}")
    public FlowRunInfo get(@PathParam("runId") String runId, @Context SecurityContext security) {
        return handle(runId, security)
                .get(runId)
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
    @Operation(
            summary =
                    "Delivers a signal to a run's open suspension and waits until the run completes, suspends again or ends")
    @APIResponse(responseCode = "200", description = "The run's outcome")
    @APIResponse(
            responseCode = "400",
            description = "The payload does not fit the type the suspension expects",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "No authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such run, or a run of another user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "The run waits for no signal of that name, or another signal won the race",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "410",
            description = "The suspension expired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{runId}/signals/{name: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @BodyLimit
    public Response signal(
            @PathParam("runId") String runId,
            @PathParam("name") String name,
            @RequestBody(
                            description =
                                    "The payload, as JSON of the type that the run's suspension of that name declares;"
                                            + " the signals a flow declares with @Signal have paths of their own with their schemas",
                            content = @Content(mediaType = "application/json"))
                    byte[] payload,
            @Context SecurityContext security) {
        FlowResult<Object> result = handle(runId, security).signal(runId, name, JsonBodies.request(payload));
        int status = result instanceof FlowResult.Expired<?> ? 410 : 200;
        return Response.status(status)
                .entity(outcome(result))
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * @param runId the run id
     * @param reason why
     * @return the run after the cancel
     */
    @Operation(summary = "Cancels a run")
    @APIResponse(responseCode = "200", description = "The run after the cancel")
    @APIResponse(
            responseCode = "401",
            description = "No authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such run, or a run of another user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "The run already finished",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{runId}/cancel")
    public FlowRunInfo cancel(
            @PathParam("runId") String runId, @QueryParam("reason") String reason, @Context SecurityContext security) {
        handle(runId, security).cancel(runId, reason == null ? "cancelled over HTTP" : reason);
        return get(runId, security);
    }

    /** The handle of a run the caller may reach; 404 for a run of someone else, as for a foreign session. */
    private FlowHandle<Object, Object> handle(String runId, SecurityContext security) {
        String user = user(security);
        boolean operator = operator(security);
        flows.run(runId)
                .filter(r -> operator || user.equals(r.userId()))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(runId, "*"), runId));
        return flows.handleOfRun(runId);
    }

    private boolean operator(SecurityContext security) {
        return security.isUserInRole(operatorRole);
    }

    /** @return the authenticated caller; 401 without one */
    private static String user(SecurityContext security) {
        Principal p = security == null ? null : security.getUserPrincipal();
        if (p == null) {
            throw Problems.problem(401, "Unauthorized", Messages.runsNeedUser());
        }
        return p.getName();
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
