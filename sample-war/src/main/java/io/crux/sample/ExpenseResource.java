package io.crux.sample;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;

/** The sample's own endpoints: submit, inspect, approve or reject, and withdraw expense claims. */
@RequestScoped
@Path("expenses")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ExpenseResource {

    @Inject
    @Flow("expense-approval")
    FlowHandle<Expense, Decision> approvals;

    @Inject
    AuditLog audit;

    @Inject
    Payments payments;

    /** Submits a claim; answers 201 when it completed at once, 202 when it waits for a manager. */
    @POST
    public Response submit(Expense expense) {
        FlowResult<Decision> result = approvals.run(expense);
        URI location = URI.create("expenses/" + result.flowId());
        int status = result instanceof FlowResult.Completed<?> ? 201 : 202;
        return Response.status(status).location(location).entity(view(result)).build();
    }

    /** Lists claims, optionally by status (RUNNING, SUSPENDED, COMPLETED, ...). */
    @GET
    public List<FlowRunInfo> list(@QueryParam("status") FlowStatus status) {
        return approvals.list(status);
    }

    /** One claim: its run with its steps, how often each step had a side effect, and its payments. */
    @GET
    @Path("{id}")
    public Map<String, Object> get(@PathParam("id") String id) {
        FlowRunInfo run = approvals.get(id).orElseThrow(() -> new NotFoundException("no expense claim " + id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("run", run);
        body.put("sideEffects", audit.countsByStep(id));
        body.put("audit", audit.details(id));
        body.put(
                "payments",
                payments.ofRun(id).stream()
                        .map(p -> Map.of("reference", p.getReference(), "amountEur", p.getAmountEur()))
                        .toList());
        return body;
    }

    /** A manager's decision: resumes the suspended run, here or on any server sharing the database. */
    @POST
    @Path("{id}/approval")
    public Map<String, Object> decide(@PathParam("id") String id, Approval approval) {
        return view(approvals.signal(id, ExpenseApprovalFlow.MANAGER_APPROVAL, approval));
    }

    /** Withdraws a claim. */
    @POST
    @Path("{id}/withdrawal")
    public Response withdraw(@PathParam("id") String id) {
        approvals.cancel(id, "withdrawn by the employee");
        return Response.noContent().build();
    }

    private static Map<String, Object> view(FlowResult<Decision> result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.flowId());
        if (result instanceof FlowResult.Completed<Decision> done) {
            body.put("status", "COMPLETED");
            body.put("decision", done.output());
        } else if (result instanceof FlowResult.Suspended<Decision> waiting) {
            body.put("status", "WAITING_FOR_MANAGER");
            body.put("expiresAt", String.valueOf(waiting.expiresAt()));
        } else if (result instanceof FlowResult.Cancelled<Decision> cancelled) {
            body.put("status", "WITHDRAWN");
            body.put("reason", cancelled.reason());
        } else {
            body.put("status", "EXPIRED");
        }
        return body;
    }
}
