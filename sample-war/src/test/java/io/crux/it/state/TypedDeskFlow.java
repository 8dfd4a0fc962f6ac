package io.crux.it.state;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.Size;

import io.crux.ee.api.Action;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Scope;
import io.crux.ee.api.ScopeState;

/** A flow with a typed session: its writes are checked in the server's stores too. */
@ApplicationScoped
@FlowDefinition("typed-desk")
@ScopeState(scope = Scope.SESSION, type = TypedDeskFlow.Desk.class)
public class TypedDeskFlow {

    /** The session's state. */
    public record Desk(@Size(max = 10) String topic, int notes, List<String> tags) {}

    /** What a client sends. */
    public record Note(String topic, String tag, String key) {}

    /** Updates the typed session: the topic, one more note, one more tag. */
    @Action("note")
    public Desk note(FlowScope<Note> flow) {
        return flow.step("note", () -> {
            var desk = flow.session(Desk.class);
            desk.update(d -> new Desk(flow.input().topic(), d.notes() + 1, d.tags()));
            desk.push("tags", flow.input().tag());
            return desk.get();
        });
    }

    /** Writes the key the input names through the untyped API: refused unless declared. */
    @Action("stray")
    public String stray(FlowScope<Note> flow) {
        flow.session().set(flow.input().key(), flow.input().topic());
        return "written";
    }

    /** The raw session document, for the test to see what was stored. */
    @ClientData("document")
    public Map<String, Object> document(ClientData.Context state) {
        return state.session();
    }
}
