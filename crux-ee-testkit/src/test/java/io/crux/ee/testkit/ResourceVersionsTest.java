package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Resource;
import io.crux.ee.api.ResourceEntry;
import io.crux.ee.api.exception.ResourceConflictException;
import io.crux.ee.testkit.ResourceFlows.Note;
import io.crux.ee.testkit.ResourceFlows.NotesFlow;

/** A resource's entries are versioned: each write changes the version, a conditional write with another version is refused. */
class ResourceVersionsTest {

    @Test
    void writesChangeTheVersionAndAConditionalWriteOfAnotherVersionIsRefused() {
        List<Object> seen = new ArrayList<>();
        TestRun<Object> run = CruxTest.<String, Object>testFlow(new NotesFlow(flow -> {
                    Resource<Note> notes = flow.resource("notes", Note.class);
                    ResourceEntry<Note> first = notes.put("n1", new Note("one", "a"));
                    ResourceEntry<Note> second = notes.put("n1", new Note("one", "b"));
                    seen.add(first.version());
                    seen.add(second.version());
                    seen.add(notes.put("n1", new Note("one", "c"), second.version())
                            .version());
                    seen.add(catchThrowable(() -> notes.put("n1", new Note("one", "stale"), second.version())));
                    seen.add(catchThrowable(() -> notes.create("n1", new Note("one", "again"))));
                    seen.add(notes.create("n2", new Note("two", "x")).version());
                    seen.add(catchThrowable(() -> notes.put("absent", new Note("three", "x"), 1)));
                    return notes.get("n1").orElseThrow().text();
                }))
                .input("go")
                .run();

        run.assertCompleted().assertOutput("c");
        long v1 = (Long) seen.get(0);
        assertThat(seen.get(1)).isEqualTo(v1 + 1);
        assertThat(seen.get(2)).isEqualTo(v1 + 2);
        assertThat(seen.get(3)).isInstanceOfSatisfying(ResourceConflictException.class, e -> {
            assertThat(e).hasMessageStartingWith("CRUX0242E");
            assertThat(e.resource()).isEqualTo("notes");
            assertThat(e.key()).isEqualTo("n1");
            assertThat(e.expectedVersion()).isEqualTo(v1 + 1);
            assertThat(e.actualVersion()).isEqualTo(v1 + 2);
        });
        assertThat(seen.get(4))
                .isInstanceOfSatisfying(
                        ResourceConflictException.class,
                        e -> assertThat(e.expectedVersion()).isEqualTo(-1));
        assertThat(seen.get(5)).isEqualTo(v1);
        assertThat(seen.get(6))
                .isInstanceOfSatisfying(
                        ResourceConflictException.class,
                        e -> assertThat(e.actualVersion()).isEqualTo(-1));
        // the refused writes wrote nothing
        assertThat(run.resource("notes", Note.class).entry("n1")).hasValueSatisfying(e -> {
            assertThat(e.value()).isEqualTo(new Note("one", "c"));
            assertThat(e.version()).isEqualTo(v1 + 2);
        });
        assertThat(run.resource("notes", Note.class).get("absent")).isEmpty();
    }
}
