package io.crux.it.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.constraints.NotBlank;

import io.crux.ee.api.Action;
import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowResource;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.Resource;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.exception.ResourceConflictException;

/** Writes the notes of a session, a resource that clients see only as the list of titles. */
@ApplicationScoped
@FlowDefinition(value = "it-notes", requireUser = true)
@FlowResource(name = "notes", type = NotesFlow.Note.class)
public class NotesFlow {

    /** A note; its text is not for clients. */
    public record Note(@NotBlank String title, String text) {}

    /**
     * Puts a note.
     *
     * @param key the note's key
     * @param title its title
     * @param text its text
     * @param expected the version to write over, or null to write whatever is stored
     */
    public record Put(String key, String title, String text, Long expected) {}

    /** @return {@code v<version>} after the write, or {@code conflict <message>} */
    @Action("put")
    public String put(FlowScope<Put> flow) {
        Put in = flow.input();
        return flow.step("put", () -> {
            Resource<Note> notes = flow.resource("notes", Note.class);
            Note note = new Note(in.title(), in.text());
            try {
                ResourceEntry<Note> stored =
                        in.expected() == null ? notes.put(in.key(), note) : notes.put(in.key(), note, in.expected());
                return "v" + stored.version();
            } catch (ResourceConflictException e) {
                return "conflict " + e.getMessage();
            }
        });
    }

    @ClientData("titles")
    public List<String> titles(ClientData.Context client) {
        return client.resource("notes", Note.class).list(null, 100).entries().stream()
                .map(e -> e.value().title())
                .toList();
    }
}
