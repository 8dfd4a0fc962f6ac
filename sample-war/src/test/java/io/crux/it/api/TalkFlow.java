package io.crux.it.api;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;

/** A chat whose action declares its user message: the engine emits it, the flow only answers. */
@ApplicationScoped
@FlowDefinition("it-talk")
public class TalkFlow {

    /** What the user says. */
    public record Say(String text) {}

    @Action(value = "say", userMessage = "text")
    public String say(FlowScope<Say> flow) {
        return flow.step("reply", () -> {
            flow.emit(Item.message("assistant", "you said: " + flow.input().text()));
            return "replied";
        });
    }
}
