package io.crux.ee.testkit;

import java.util.List;
import java.util.function.Function;

import jakarta.validation.constraints.NotBlank;

import io.crux.ee.api.Action;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowResource;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.ResourceScope;

/** The flows the resource tests run: a body given by the test, with the resources it declares. */
final class ResourceFlows {

    private ResourceFlows() {}

    /** A note of a session; a title is required. */
    public record Note(@NotBlank String title, String text) {}

    /** Runs the body the test gives; declares a session, a user and a project resource, and shows the titles to clients. */
    @FlowDefinition("notes")
    @FlowResource(name = "notes", type = Note.class)
    @FlowResource(name = "bookmarks", scope = ResourceScope.USER, type = String.class)
    @FlowResource(name = "glossary", scope = ResourceScope.PROJECT, type = String.class)
    public static class NotesFlow {

        final Function<FlowScope<String>, Object> body;

        NotesFlow(Function<FlowScope<String>, Object> body) {
            this.body = body;
        }

        @Action("run")
        public Object run(FlowScope<String> flow) {
            return body.apply(flow);
        }

        @ClientData("titles")
        public List<String> titles(ClientData.Context client) {
            return client.resource("notes", Note.class).list(null, 100).entries().stream()
                    .map(ResourceEntry::value)
                    .map(Note::title)
                    .toList();
        }
    }

    /** Declares one resource twice. */
    @FlowDefinition("twice")
    @FlowResource(name = "notes", type = Note.class)
    @FlowResource(name = "notes", type = String.class)
    public static class Twice {
        @Action("run")
        public String run(FlowScope<String> flow) {
            return "";
        }
    }

    /** Declares a resource with a name that cannot be stored. */
    @FlowDefinition("badly-named")
    @FlowResource(name = "my notes", type = Note.class)
    public static class BadlyNamed {
        @Action("run")
        public String run(FlowScope<String> flow) {
            return "";
        }
    }
}
