package io.crux.it.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.Sessions;

/** A flow whose sessions live for one request: it counts in its session twice and answers with the count. */
@ApplicationScoped
@FlowDefinition(value = "it-scratch", sessions = Sessions.EPHEMERAL)
public class ScratchFlow {

    @Action(value = "say", userMessage = "text")
    public long say(FlowScope<TalkFlow.Say> flow) {
        flow.step("count", () -> flow.session().inc("n", 1));
        long n = flow.step("again", () -> flow.session().inc("n", 1));
        flow.step("reply", () -> {
            flow.emit(Item.message("assistant", "n=" + n));
            return "replied";
        });
        return n;
    }
}
