package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Resource;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.ResourcePage;
import io.crux.ee.api.ResourceReader;
import io.crux.ee.testkit.ResourceFlows.Note;
import io.crux.ee.testkit.ResourceFlows.NotesFlow;

/** A resource lists its entries a page at a time, by key, each entry once. */
class ResourcePagingTest {

    @Test
    void pagesFollowTheKeysAndTheLastPageHasNoCursor() {
        TestRun<Object> run = CruxTest.<String, Object>testFlow(new NotesFlow(flow -> {
                    Resource<Note> notes = flow.resource("notes", Note.class);
                    for (String key : List.of("f", "b", "a", "e", "d", "c", "gone")) {
                        notes.put(key, new Note(key.toUpperCase(), ""));
                    }
                    return notes.delete("gone") && !notes.delete("gone");
                }))
                .input("go")
                .run();

        run.assertCompleted().assertOutput(true);
        ResourceReader<Note> notes = run.resource("notes", Note.class);
        ResourcePage<Note> first = notes.list(null, 4);
        assertThat(first.entries()).extracting(ResourceEntry::key).containsExactly("a", "b", "c", "d");
        assertThat(first.next()).contains("d");
        ResourcePage<Note> second = notes.list(first.next().orElseThrow(), 4);
        assertThat(second.entries()).extracting(ResourceEntry::key).containsExactly("e", "f");
        assertThat(second.next()).isEmpty();
        ResourcePage<Note> exact = notes.list("c", 3);
        assertThat(exact.entries()).extracting(ResourceEntry::key).containsExactly("d", "e", "f");
        assertThat(exact.next()).as("a full last page says it is the last").isEmpty();
        assertThat(notes.get("b")).contains(new Note("B", ""));
        assertThatThrownBy(() -> notes.list(null, 0)).hasMessageStartingWith("CRUX0244E");
    }
}
