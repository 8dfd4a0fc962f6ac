package io.crux.sample.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.langchain4j.exception.RateLimitException;

import io.crux.ee.api.Item;
import io.crux.ee.langchain4j.ScriptedModel;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** The research sample in a plain unit test: the test kit, no server, no network. */
class ResearchFlowTest {

    private final Library library = new Library();

    private ResearchFlow flow() {
        ResearchFlow flow = new ResearchFlow();
        flow.library = library;
        flow.models = new ResearchModels() {
            @Override
            public String name() {
                return SCRIPTED;
            }
        };
        return flow;
    }

    private TestRun<Report> ask(String question, ScriptedModel model) {
        return CruxTest.<Inquiry, Report>testFlow(flow())
                .action("ask")
                .input(new Inquiry(question))
                .service(ModelRegistry.class, ModelRegistry.of(ResearchModels.SCRIPTED, model))
                .run();
    }

    @Test
    void aQuestionIsPlannedByTwoVotingPlannersReadAndAnsweredWithTheLibraryToolOnTheScriptedModel() {
        ScriptedModel model = ResearchModels.scripted(library);

        TestRun<Report> run = ask("How do retry and suspend work?", model);

        run.assertCompleted()
                .steps()
                .succeeded(
                        "route/decide",
                        "plan/focused",
                        "plan/broad",
                        "plan/tally",
                        "notes[0]/read",
                        "notes[1]/read",
                        "brief",
                        "write",
                        "report")
                .inOrder("plan/focused", "plan/broad", "plan/tally", "notes[0]/read", "brief", "write", "report")
                .notRun("reply")
                .and()
                .session()
                .has("questions", 1);
        Report report = run.output();
        assertThat(report.topics()).containsExactly("retry", "suspend");
        assertThat(report.model()).isEqualTo("scripted");
        assertThat(report.answer())
                .startsWith("[scripted model")
                .contains(library.note("retry").text())
                .contains("I also looked up lookup: " + library.note("blocks").text());
        assertThat(run.items().ofType(Item.Type.TOOL_CALL))
                .singleElement()
                .satisfies(call -> assertThat(call.content()).containsEntry("name", "lookup"));
        assertThat(run.items().ofType(Item.Type.STATUS)).hasSize(2);
        assertThat(run.items().messageTexts()).containsExactly(report.answer());
        assertThat(model.requests())
                .as("two planners, the writer and its tool round")
                .hasSize(4);
    }

    @Test
    void theNotesReadAreTheSessionsSourcesAndClientsSeeOnlyTheirTopics() {
        TestRun<Report> run = ask("How do retry and suspend work?", ResearchModels.scripted(library));

        run.assertCompleted();
        assertThat(run.resource(ResearchFlow.SOURCES, Note.class).get("suspend"))
                .contains(library.note("suspend"));
        assertThat(run.clientData()).isEqualTo(Map.of("sources", List.of("retry", "suspend")));
    }

    @Test
    void aRemarkGetsAShortReplyThatSaysTheModelIsScripted() {
        TestRun<Report> run = ask("Hello there", ResearchModels.scripted(library));

        run.assertCompleted()
                .steps()
                .succeeded("route/decide", "reply", "report")
                .notRun("plan/focused", "plan/broad", "plan/tally");
        assertThat(run.output().answer()).startsWith("[scripted model").contains("not a language model");
    }

    @Test
    void aRateLimitedPlannerIsRetriedAndItsPlanIsValidatedAndRepaired() {
        ScriptedModel model = ScriptedModel.named(ResearchModels.SCRIPTED);
        model.when(ScriptedModel.systemMessageContains(ResearchModels.PLANNER))
                .reply(
                        Reply.error(new RateLimitException("429 Too Many Requests")),
                        Reply.json("{\"topics\":[]}"), // violates @NotEmpty: sent back for repair
                        Reply.json("{\"topics\":[\"blocks\"]}"));
        model.when(ScriptedModel.systemMessageContains(ResearchModels.WRITER)).reply("Blocks compose.");

        TestRun<Report> run = ask("What are blocks?", model);

        run.assertCompleted()
                .steps()
                .attempts("plan/focused", 2)
                .attempts("plan/broad", 1)
                .succeeded("write");
        assertThat(run.retryWaits()).containsExactly(Duration.ofMillis(500));
        assertThat(run.output()).isEqualTo(new Report("Blocks compose.", List.of("blocks"), "scripted"));
        assertThat(model.requests())
                .as("the focused planner three times, the broad one once, the writer")
                .hasSize(5);
    }

    @Test
    void plannersWhoDisagreeAreSettledByTheFocusedPlannerAndAResumedRunAsksNoPlannerAgain() {
        ScriptedModel model = ScriptedModel.named(ResearchModels.SCRIPTED);
        model.when(ScriptedModel.systemMessageContains("Choose only the topics"))
                .reply(Reply.json("{\"topics\":[\"retry\"]}"));
        model.when(ScriptedModel.systemMessageContains("Add a topic"))
                .reply(Reply.json("{\"topics\":[\"retry\",\"steps\"]}"));
        model.when(ScriptedModel.systemMessageContains(ResearchModels.WRITER))
                .reply(Reply.error(new RateLimitException("429")), Reply.text("Retry waits."));

        TestRun<Report> run = ask("How does retry work?", model);

        run.assertCompleted()
                .steps()
                .succeeded("plan/focused", "plan/broad", "plan/tally")
                .attempts("write", 2);
        assertThat(run.output().topics())
                .as("a split of two is a tie; the focused planner voted first")
                .containsExactly("retry");
        assertThat(model.requests())
                .as("the retry wait replayed the body: no planner was asked again")
                .hasSize(4);
    }
}
