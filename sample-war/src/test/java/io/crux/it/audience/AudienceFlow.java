package io.crux.it.audience;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Item;
import io.crux.ee.api.ItemAudience;

/**
 * Emits an item for each audience: a client message, model items (a context item and a tool call by
 * their types, a status line by the flow's mapping) and an internal one (named on the item).
 */
@ApplicationScoped
@FlowDefinition("it-audience")
@ItemAudience(type = Item.Type.STATUS, audience = Item.Audience.MODEL)
public class AudienceFlow {

    @Action("go")
    public String go(FlowScope<String> flow) {
        flow.emit(Item.message("user", "client-visible " + flow.input()));
        flow.step("work", () -> {
            flow.emit(Item.context("model-context " + flow.input()));
            flow.emit(Item.toolCall("call-1", "model-tool", Map.of("q", flow.input())));
            flow.emit(Item.status("model-status " + flow.input()));
            flow.emit(Item.message("assistant", "internal-note " + flow.input()).withAudience(Item.Audience.INTERNAL));
            return true;
        });
        flow.emit(Item.message("assistant", "client-answer " + flow.input()));
        return "done";
    }
}
