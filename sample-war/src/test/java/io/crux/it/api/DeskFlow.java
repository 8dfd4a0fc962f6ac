package io.crux.it.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Signal;

/**
 * A help desk with two actions whose inputs have constraints, nested records and lists, and a declared
 * signal, for the OpenAPI document.
 */
@ApplicationScoped
@FlowDefinition("help-desk")
@Signal(value = "escalation", type = DeskFlow.Contact.class)
public class DeskFlow {

    /** A question; its schema requires the text and bounds the tags. */
    public record Question(
            @NotBlank String text, @Size(max = 3) List<String> tags, Contact contact) {}

    /** Who asks. */
    public record Contact(String email, boolean urgent) {}

    /** The ticket to close. */
    public record Ticket(@NotBlank String id, String reason) {}

    @Action("ask")
    public String ask(FlowScope<Question> flow) {
        return "noted: " + flow.input().text();
    }

    @Action("close")
    public String close(FlowScope<Ticket> flow) {
        return "closed " + flow.input().id();
    }
}
