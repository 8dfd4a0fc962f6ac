package io.crux.it.life;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;

/** Test endpoints of the lifecycle WAR. */
@RequestScoped
@Path("life")
@Produces(MediaType.APPLICATION_JSON)
public class LifeResource {

    @Inject
    @Flow("it-crash")
    FlowHandle<String, String> crash;

    @Inject
    @Flow("it-parent")
    FlowHandle<String, String> parent;

    @Inject
    SideEffects effects;

    @GET
    @Path("pid")
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @POST
    @Path("crash")
    public Map<String, Object> startCrash() {
        return Map.of("runId", crash.start("x"));
    }

    @GET
    @Path("crash/{id}")
    public Map<String, Object> crashRun(@PathParam("id") String id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(
                "status", crash.get(id).map(FlowRunInfo::status).map(Enum::name).orElse("UNKNOWN"));
        body.put("effects", effects.counts(id));
        return body;
    }

    @POST
    @Path("nested")
    public Map<String, Object> nested() {
        FlowResult.Completed<String> done = (FlowResult.Completed<String>) parent.run(" hello ");
        String[] childAndOutput = done.output().split("\\|", 2);
        return Map.of("parentId", done.flowId(), "childId", childAndOutput[0], "output", childAndOutput[1]);
    }
}
