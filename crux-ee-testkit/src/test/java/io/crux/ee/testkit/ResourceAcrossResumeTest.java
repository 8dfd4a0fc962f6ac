package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.ResourceDecl;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.ResourceFlows.Note;
import io.crux.ee.testkit.ResourceFlows.NotesFlow;

/**
 * Entries written before a suspension are read after the resume; a completed step that wrote one
 * does not write it again, a write outside a step is made again as the body replays (as a state
 * write is); every change is announced without its value; clients see entries only through
 * {@code @ClientData}.
 */
class ResourceAcrossResumeTest {

    /** A resource a block would declare in code; the same name and scope as the flow's declaration. */
    static final ResourceDecl<Note> NOTES = ResourceDecl.session("notes", Note.class);

    @Test
    void aResumedRunReadsWhatItWroteBeforeAndTheClientSeesOnlyTheTitles() {
        TestRun<Object> suspended = CruxTest.<String, Object>testFlow(new NotesFlow(flow -> {
                    long version = flow.step(
                            "collect",
                            () -> flow.resource(NOTES)
                                    .put("n1", new Note("First", "secret text"))
                                    .version());
                    flow.resource("glossary", String.class).put("crux", "a flow library");
                    flow.resource("bookmarks", String.class).put("home", "https://example.org");
                    String reviewer = flow.suspend("review", String.class);
                    Note read = flow.resource("notes", Note.class).get("n1").orElseThrow();
                    flow.step(
                            "rename",
                            () -> flow.resource("notes", Note.class)
                                    .put("n1", new Note(read.title() + " (" + reviewer + ")", read.text()), version));
                    return flow.resource("notes", Note.class)
                                    .entry("n1")
                                    .orElseThrow()
                                    .version()
                            - version;
                }))
                .input("go")
                .run();

        suspended.assertSuspended("review");
        TestRun<Object> done = suspended.signal("review", "bob");

        done.assertCompleted().assertOutput(1L); // one write after the resume: the replayed "collect" wrote nothing
        assertThat(done.resource("notes", Note.class).get("n1")).contains(new Note("First (bob)", "secret text"));
        assertThat(done.resource("glossary", String.class).get("crux")).contains("a flow library");
        assertThat(done.resource("bookmarks", String.class).get("home")).contains("https://example.org");
        assertThat(done.clientData()).isEqualTo(Map.of("titles", List.of("First (bob)")));
        List<String> changes = done.events().stream()
                .filter(e -> e.type().equals("resource.changed"))
                .map(EventRecord::json)
                .toList();
        // writes outside a step are made again when the body replays, as state writes are; the
        // completed step "collect" is not
        assertThat(changes)
                .extracting(json -> json.replaceAll(".*\"key\":\"([^\"]*)\".*", "$1"))
                .containsExactly("n1", "crux", "home", "crux", "home", "n1");
        assertThat(changes.get(0)).contains("\"name\":\"notes\"").contains("\"scope\":\"session\"");
        assertThat(changes.get(1)).contains("\"scope\":\"project\"").contains("\"name\":\"glossary\"");
        assertThat(changes).noneMatch(json -> json.contains("secret text"));
    }
}
