package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Resource;
import io.crux.ee.api.exception.ConstraintViolatedException;
import io.crux.ee.api.exception.LimitExceededException;
import io.crux.ee.engine.EngineLimits;
import io.crux.ee.testkit.ResourceFlows.BadlyNamed;
import io.crux.ee.testkit.ResourceFlows.Note;
import io.crux.ee.testkit.ResourceFlows.NotesFlow;
import io.crux.ee.testkit.ResourceFlows.Twice;

/** What a resource refuses before it stores anything: invalid values, values over the item limit, undeclared resources, bad keys and bad declarations. */
class ResourceChecksTest {

    @Test
    void invalidOversizedAndUndeclaredWritesAreRefusedWithTheirMessageIdsAndStoreNothing() {
        List<Throwable> refused = new ArrayList<>();
        TestRun<Object> run = CruxTest.<String, Object>testFlow(new NotesFlow(flow -> {
                    Resource<Note> notes = flow.resource("notes", Note.class);
                    refused.add(catchThrowable(() -> notes.put("blank", new Note(" ", "no title"))));
                    refused.add(catchThrowable(() -> notes.put("big", new Note("big", "x".repeat(1 << 20)))));
                    refused.add(catchThrowable(() -> flow.resource("drafts", Note.class)));
                    refused.add(catchThrowable(() -> flow.resource("notes", String.class)));
                    refused.add(catchThrowable(() -> notes.put(" ", new Note("t", ""))));
                    refused.add(catchThrowable(() -> notes.put("k".repeat(201), new Note("t", ""))));
                    return notes.list(null, 10).entries().size();
                }))
                .input("go")
                .run();

        run.assertCompleted().assertOutput(0);
        assertThat(refused.get(0))
                .isInstanceOf(ConstraintViolatedException.class)
                .hasMessageStartingWith("CRUX0243E")
                .hasMessageContaining("title");
        assertThat(refused.get(1))
                .isInstanceOf(LimitExceededException.class)
                .hasMessageStartingWith("CRUX0141E")
                .hasMessageContaining(EngineLimits.ITEM_BYTES)
                .hasMessageContaining("resource 'notes'");
        assertThat(refused.get(2)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("CRUX0240E");
        assertThat(refused.get(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0240E")
                .hasMessageContaining(Note.class.getName());
        assertThat(refused.get(4)).hasMessageStartingWith("CRUX0244E");
        assertThat(refused.get(5)).hasMessageStartingWith("CRUX0244E");
        assertThat(run.events()).noneMatch(e -> e.type().equals("resource.changed"));
    }

    @Test
    void aResourceDeclaredTwiceOrWithABadNameIsNotADefinition() {
        assertThatThrownBy(() -> CruxTest.testFlow(new Twice()))
                .hasMessageContaining("CRUX0241E")
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> CruxTest.testFlow(new BadlyNamed())).hasMessageContaining("CRUX0241E");
    }
}
