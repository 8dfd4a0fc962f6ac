package io.crux.ee.bench.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.crux.ee.spi.SessionStore;

/**
 * A check found while benchmarking, {@code GET /api/bench/stale-read}: within one managed task
 * (as a flow body or a request stream is), does {@code SessionStore.readState} see an update that
 * another thread committed after the task's first read of the same document? And one that the
 * task committed itself (as {@code flow.session().get} after {@code flow.session().inc} in one flow
 * body)? Answers the values each read saw.
 */
@Path("bench")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class StaleReadCheck {

    @Inject
    SessionStore store;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @GET
    @Path("stale-read")
    public Map<String, Object> check() throws Exception {
        String key = UUID.randomUUID().toString();
        store.updateState("session", key, doc -> doc.put("n", 1L));
        return executor.submit(() -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("firstRead", store.readState("session", key).get("n"));
                    // another managed thread commits n = 2
                    executor.submit(() -> store.updateState("session", key, doc -> doc.put("n", 2L)))
                            .get();
                    out.put(
                            "readAfterOtherThreadCommitted2",
                            store.readState("session", key).get("n"));
                    out.put(
                            "readOnAnotherTask",
                            executor.submit(() ->
                                            store.readState("session", key).get("n"))
                                    .get());
                    // this thread commits n = 3 itself (its own JTA transaction), then reads again
                    store.updateState("session", key, doc -> doc.put("n", 3L));
                    out.put(
                            "readAfterThisThreadCommitted3",
                            store.readState("session", key).get("n"));
                    out.put(
                            "readOnAnotherTaskAfter3",
                            executor.submit(() ->
                                            store.readState("session", key).get("n"))
                                    .get());
                    return out;
                })
                .get();
    }
}
