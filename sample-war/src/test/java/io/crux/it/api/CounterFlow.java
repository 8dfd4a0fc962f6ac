package io.crux.it.api;

import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;

/** Flows behind the HTTP API tests. */
@ApplicationScoped
@FlowDefinition(value = "it-counter", requireUser = true)
public class CounterFlow {

    @Action("chat")
    public String chat(FlowScope<Chat> flow) {
        flow.step("before", () -> {
            for (int i = 1; i <= flow.input().before(); i++) {
                flow.emit(Item.status("before " + i));
            }
            return flow.input().before();
        });
        String more = flow.suspend("more", String.class, Duration.ofMinutes(10));
        flow.step("after", () -> {
            for (int i = 1; i <= flow.input().after(); i++) {
                flow.emit(Item.status("after " + i));
            }
            return flow.input().after();
        });
        return more;
    }

    @Action("inc")
    public long inc(FlowScope<Map<String, Object>> flow) {
        return flow.step("inc", () -> flow.session().inc("counter", 1));
    }

    @Action("wait")
    public String await(FlowScope<Wait> flow) {
        return flow.suspend("never", String.class, Duration.ofMillis(flow.input().expiryMillis()));
    }

    /** Fails its one step and waits ten minutes for the retry, holding no thread: the run stays RUNNING. */
    @Action("stall")
    public String stall(FlowScope<Map<String, Object>> flow) {
        return flow.step("stall", () -> {
            throw new IllegalStateException("not yet");
        }, StepOptions.<String>retry(2, Duration.ofMinutes(10), Backoff.LINEAR));
    }

    @Action("strict")
    public String strict(FlowScope<Strict> flow) {
        return flow.input().text();
    }

    @ClientData("counter")
    public Object counter(ClientData.Context state) {
        return state.session().getOrDefault("counter", 0);
    }
}
