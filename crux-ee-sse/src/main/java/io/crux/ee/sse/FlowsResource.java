package io.crux.ee.sse;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.codec.JsonSchemas;
import io.crux.ee.service.FlowKind;
import io.crux.ee.service.FlowService;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.sse.internal.BasicLogin;
import io.crux.ee.sse.internal.BodyLimit;
import io.crux.ee.sse.internal.ClientItems;
import io.crux.ee.sse.internal.JsonBodies;
import io.crux.ee.sse.internal.NulFree;
import io.crux.ee.sse.internal.Paging;
import io.crux.ee.sse.internal.Problems;
import io.crux.ee.sse.internal.RequestStream;
import io.crux.ee.sse.internal.SameOrigin;
import io.crux.ee.sse.internal.SseStreams;
import io.crux.ee.sse.openapi.Problem;

/**
 * The HTTP API of flow kinds: actions answer {@code 202} at once and the run goes on on a managed
 * executor; its events stream over Server-Sent Events and resume with {@code Last-Event-ID}.
 * Sessions own state and items and belong to the user who created them. Errors answer
 * {@code application/problem+json}.
 */
@ApplicationScoped
@BasicLogin
@SameOrigin
@NulFree
@Path("flows")
@Tag(
        name = "crux-ee flows",
        description = "The HTTP API of flow kinds: actions, requests and their event streams, sessions")
@Produces(MediaType.APPLICATION_JSON)
public class FlowsResource {

    private static final int LIST_LIMIT = 500;

    @Inject
    FlowService flows;

    @Inject
    SseStreams streams;

    private final Duration poll = ConfigProvider.getConfig()
            .getOptionalValue("crux.sse.poll-interval", String.class)
            .map(Duration::parse)
            .orElse(Duration.ofMillis(200));
    private final Duration heartbeat = ConfigProvider.getConfig()
            .getOptionalValue("crux.sse.heartbeat", String.class)
            .map(Duration::parse)
            .orElse(Duration.ofSeconds(15));
    private final Duration gapWait = ConfigProvider.getConfig()
            .getOptionalValue("crux.sse.gap-wait", String.class)
            .map(Duration::parse)
            .orElse(Duration.ofSeconds(5));

    /** @return every flow kind with its actions and their input schemas */
    @Operation(
            summary =
                    "Lists the flow kinds, their actions with their input schemas, their client data and their typed state")
    @APIResponse(responseCode = "200", description = "The flow kinds")
    @GET
    public List<Map<String, Object>> kinds() {
        return flows.flows().stream()
                .map(f -> {
                    Map<String, Object> kind = new LinkedHashMap<>();
                    kind.put("kind", f.name());
                    kind.put("requireUser", f.requireUser());
                    kind.put("sessions", f.ephemeralSessions() ? "EPHEMERAL" : "PERSISTED");
                    kind.put(
                            "actions",
                            f.actions().entrySet().stream()
                                    .map(a -> Map.of("name", a.getKey(), "inputSchema", JsonSchemas.of(a.getValue())))
                                    .toList());
                    kind.put("clientData", List.copyOf(f.clientData().keySet()));
                    if (!f.state().isEmpty()) {
                        Map<String, Object> state = new LinkedHashMap<>();
                        f.state().forEach((scope, keys) -> state.put(scope, stateSchema(keys)));
                        kind.put("state", state);
                    }
                    return kind;
                })
                .toList();
    }

    /** @return the JSON Schema of a typed scope's document: its declared keys, all optional, no others */
    private static Map<String, Object> stateSchema(Map<String, java.lang.reflect.Type> keys) {
        Map<String, Object> properties = new LinkedHashMap<>();
        keys.forEach((key, type) -> properties.put(key, JsonSchemas.of(type)));
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("additionalProperties", false);
        return schema;
    }

    /** Runs an action in a new session. */
    @Operation(summary = "Runs an action of a flow in a new session")
    @APIResponse(responseCode = "202", description = "The run started: its requestId, sessionId and runId")
    @APIResponse(
            responseCode = "400",
            description = "The input does not fit the action's schema, does not bind or is not valid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description = "The body is larger than crux.http.max-body-bytes",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such flow kind or action",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{kind}/actions/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    @BodyLimit
    public Response act(
            @PathParam("kind") String kind,
            @PathParam("action") String action,
            @RequestBody(
                            required = true,
                            description =
                                    "The action's input: GET /flows publishes its JSON schema, and each action has its own path in this document",
                            content = @Content(mediaType = "application/json"))
                    byte[] body,
            @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        String user = user(flow, security);
        Object input = input(flow, action, body);
        if (flow.ephemeralSessions()) {
            return start(flow, action, input, null, user); // a session of the request's own, never stored
        }
        Instant now = Instant.now();
        SessionRecord session = new SessionRecord(UUID.randomUUID().toString(), kind, user, now, now);
        flows.sessions().createSession(session);
        try {
            return start(flow, action, input, session, user);
        } catch (RuntimeException e) {
            flows.sessions().deleteSession(session.id()); // nothing half-written stays behind
            throw e;
        }
    }

    /** Runs an action in an existing session. */
    @Operation(summary = "Runs an action of a flow in an existing session")
    @APIResponse(responseCode = "202", description = "The run started: its requestId, sessionId and runId")
    @APIResponse(
            responseCode = "400",
            description = "The input does not fit the action's schema, does not bind or is not valid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description = "The body is larger than crux.http.max-body-bytes",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such flow kind, action or session of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{kind}/sessions/{sessionId}/actions/{action}")
    @Consumes(MediaType.APPLICATION_JSON)
    @BodyLimit
    public Response actInSession(
            @PathParam("kind") String kind,
            @PathParam("sessionId") String sessionId,
            @PathParam("action") String action,
            @RequestBody(
                            required = true,
                            description =
                                    "The action's input: GET /flows publishes its JSON schema, and each action has its own path in this document",
                            content = @Content(mediaType = "application/json"))
                    byte[] body,
            @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        String user = user(flow, security);
        if (flow.ephemeralSessions()) {
            throw new FlowStateException(Messages.ephemeralSessionJoined(flow.name(), sessionId), null, null);
        }
        SessionRecord session = session(flow, sessionId, user);
        return start(flow, action, input(flow, action, body), session, user);
    }

    /** @param session the session to run in, or null for a flow whose session lives for the request (its id is the run id) */
    private Response start(FlowKind flow, String action, Object input, SessionRecord session, String user) {
        String runId = flows.start(
                flow.name(),
                action,
                input,
                RunOptions.defaults()
                        .withSessionId(session == null ? null : session.id())
                        .withUserId(user)
                        .withEvents(true));
        Map<String, Object> accepted = new LinkedHashMap<>();
        accepted.put("requestId", runId);
        accepted.put("sessionId", session == null ? runId : session.id());
        accepted.put("runId", runId);
        return Response.accepted(accepted).type(MediaType.APPLICATION_JSON).build();
    }

    /** The request's status, its last event and, once completed, its output, which {@code request.completed} does not repeat. */
    @Operation(summary = "Reads a request: its status, last event sequence and, once completed, its output")
    @APIResponse(responseCode = "200", description = "The request")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such request of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/requests/{requestId}")
    public Map<String, Object> request(
            @PathParam("kind") String kind,
            @PathParam("requestId") String requestId,
            @Context SecurityContext security) {
        RunRecord run = request(flow(kind), requestId, security);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("requestId", run.flowId());
        body.put("sessionId", run.sessionId());
        body.put("status", run.status());
        body.put("lastSeq", flows.sessions().lastSeq(requestId));
        if (run.error() != null) {
            body.put("error", run.error());
        }
        if (run.status() == FlowStatus.COMPLETED && run.output() != null) {
            body.put("output", JsonBodies.parse(run.output().json()));
        }
        return body;
    }

    /** Cancels the request's run; 409 when it already finished. */
    @Operation(summary = "Cancels a request's run")
    @APIResponse(responseCode = "200", description = "The request after the cancel")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such request of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "409",
            description = "The run already finished",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{kind}/requests/{requestId}/abort")
    public Map<String, Object> abort(
            @PathParam("kind") String kind,
            @PathParam("requestId") String requestId,
            @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        RunRecord run = request(flow, requestId, security);
        flows.handle(flow.name(), run.action()).cancel(requestId, "aborted by the client");
        return request(kind, requestId, security);
    }

    /** The request's events: stored ones after the client's last, then the live tail. */
    @Operation(
            summary = "Streams a request's events (Server-Sent Events), resuming after Last-Event-ID or starting_after")
    @APIResponse(responseCode = "200", description = "The event stream")
    @APIResponse(
            responseCode = "204",
            description = "Nothing more will come: the request ended and every event was sent")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such request of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "503",
            description = "The application is stopping",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/requests/{requestId}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(
            @PathParam("kind") String kind,
            @PathParam("requestId") String requestId,
            @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
                    @QueryParam("starting_after")
                    String startingAfter,
            @Context SecurityContext security,
            @Suspended AsyncResponse response) {
        RunRecord run = request(flow(kind), requestId, security);
        long after = RequestStream.resumeAfter(requestId, lastEventId, startingAfter);
        if (RequestStream.nothingToSend(flows, run, after)) { // 204 tells an SSE client to stop reconnecting
            response.resume(
                    Response.noContent().header("Cache-Control", "no-cache").build());
            return;
        }
        streams.start(
                "crux-stream " + requestId,
                response,
                new RequestStream(flows, requestId, after, poll, heartbeat, gapWait));
    }

    /** The caller's sessions of this kind, newest first. */
    @Operation(summary = "Lists the caller's sessions of a flow kind, newest first")
    @APIResponse(responseCode = "200", description = "The sessions")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such flow kind",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/sessions")
    public List<SessionRecord> sessions(@PathParam("kind") String kind, @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        return flows.sessions().listSessions(kind, user(flow, security), LIST_LIMIT);
    }

    /** Creates an empty session. */
    @Operation(summary = "Creates an empty session")
    @APIResponse(responseCode = "201", description = "The session")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such flow kind",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @POST
    @Path("{kind}/sessions")
    public Response createSession(@PathParam("kind") String kind, @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        String user = user(flow, security);
        if (flow.ephemeralSessions()) {
            throw new FlowStateException(Messages.ephemeralSessionCreated(flow.name()), null, null);
        }
        Instant now = Instant.now();
        SessionRecord session = new SessionRecord(UUID.randomUUID().toString(), kind, user, now, now);
        flows.sessions().createSession(session);
        return Response.status(201)
                .entity(session)
                .type(MediaType.APPLICATION_JSON)
                .build();
    }

    @Operation(summary = "Reads a session")
    @APIResponse(responseCode = "200", description = "The session")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such session of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/sessions/{sessionId}")
    public SessionRecord session(
            @PathParam("kind") String kind,
            @PathParam("sessionId") String sessionId,
            @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        return session(flow, sessionId, user(flow, security));
    }

    @Operation(summary = "Deletes a session with its state and items")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such session of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @DELETE
    @Path("{kind}/sessions/{sessionId}")
    public Response deleteSession(
            @PathParam("kind") String kind,
            @PathParam("sessionId") String sessionId,
            @Context SecurityContext security) {
        session(kind, sessionId, security);
        flows.sessions().deleteSession(sessionId);
        return Response.noContent().build();
    }

    /** What the flow's {@code @ClientData} methods derive from the session's state, by name; nothing else. */
    @Operation(summary = "Reads what the flow's client data functions derive from the session's state")
    @APIResponse(responseCode = "200", description = "The client data, by name")
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such session of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/sessions/{sessionId}/state")
    public Map<String, Object> state(
            @PathParam("kind") String kind,
            @PathParam("sessionId") String sessionId,
            @Context SecurityContext security) {
        FlowKind flow = flow(kind);
        SessionRecord session = session(flow, sessionId, user(flow, security));
        ClientData.Context context = flows.clientData(flow.name(), session);
        Map<String, Object> views = new LinkedHashMap<>();
        flow.clientData().forEach((name, view) -> views.put(name, view.apply(context)));
        return views;
    }

    /**
     * One page of the session's stored items that clients may see, newest first. When the page is
     * full, a {@code Link} header with {@code rel="next"} names the next page ({@code before}, an
     * opaque cursor).
     *
     * @param before the cursor of the next page, or absent for the newest
     * @param limit the page size, default and most {@code crux.http.max-page-size} (100)
     */
    @Operation(summary = "Reads one page of the session's items, newest first (Link rel=next names the next page)")
    @APIResponse(responseCode = "200", description = "The items")
    @APIResponse(
            responseCode = "400",
            description = "An invalid cursor or limit",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "401",
            description = "The flow needs an authenticated user",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such session of the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @GET
    @Path("{kind}/sessions/{sessionId}/items")
    public Response items(
            @PathParam("kind") String kind,
            @PathParam("sessionId") String sessionId,
            @QueryParam("before") String before,
            @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1")) @QueryParam("limit") String limit,
            @Context SecurityContext security,
            @Context UriInfo uri) {
        FlowKind flow = flow(kind);
        SessionRecord session = session(flow, sessionId, user(flow, security));
        int size = Paging.limit(limit, Paging.maxPageSize()); // text, read there: see Paging.number
        String beforeId = before == null ? null : Paging.key(before);
        ClientItems page = ClientItems.page(flows.sessions(), session.id(), beforeId, size);
        Response.ResponseBuilder answer = Response.ok(page.items()).type(MediaType.APPLICATION_JSON);
        if (page.nextBefore() != null) {
            answer.link(
                    uri.getRequestUriBuilder()
                            .replaceQueryParam("before", Paging.cursor(page.nextBefore()))
                            .replaceQueryParam("limit", size)
                            .build(),
                    "next");
        }
        return answer.build();
    }

    // ---------------------------------------------------------------- checks

    private FlowKind flow(String kind) {
        return flows.flow(kind).orElseThrow(() -> Problems.notFound("There is no flow kind '" + kind + "'."));
    }

    private static String user(FlowKind flow, SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (principal == null && flow.requireUser()) {
            throw Problems.problem(
                    401, "Unauthorized", "The flow '" + flow.name() + "' requires an authenticated user.");
        }
        return principal == null ? null : principal.getName();
    }

    private SessionRecord session(FlowKind flow, String sessionId, String user) {
        if (flow.ephemeralSessions()) {
            throw Problems.notFound(Messages.ephemeralNoSession(flow.name(), sessionId));
        }
        return flows.sessions()
                .findSession(sessionId)
                .filter(s -> s.kind().equals(flow.name()) && visible(s.userId(), user))
                .orElseThrow(() ->
                        Problems.notFound("There is no session '" + sessionId + "' of flow '" + flow.name() + "'."));
    }

    private RunRecord request(FlowKind flow, String requestId, SecurityContext security) {
        String user = user(flow, security);
        return flows.run(requestId)
                .filter(r -> r.flowName().equals(flow.name()) && r.events() && visible(r.userId(), user))
                .orElseThrow(() ->
                        Problems.notFound("There is no request '" + requestId + "' of flow '" + flow.name() + "'."));
    }

    /** A resource owned by a user is visible to that user only; an unowned one to everyone. */
    private static boolean visible(String owner, String user) {
        return owner == null || owner.equals(user);
    }

    private Object input(FlowKind flow, String action, byte[] body) {
        if (!flow.actions().containsKey(action)) {
            throw Problems.notFound("The flow '" + flow.name() + "' has no action '" + action + "'; its actions are "
                    + flow.actions().keySet() + ".");
        }
        return flows.checkInput(flow.name(), action, JsonBodies.request(body));
    }
}
