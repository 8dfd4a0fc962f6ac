package io.crux.sample.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import io.crux.ee.eval.DataSet;
import io.crux.ee.eval.EvalCase;
import io.crux.ee.eval.Evaluation;
import io.crux.ee.eval.Gate;
import io.crux.ee.eval.Score;
import io.crux.ee.eval.Scorers;
import io.crux.ee.eval.StepExpectation;
import io.crux.ee.langchain4j.Cassette;
import io.crux.ee.langchain4j.ScriptedModel;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;

/**
 * The research sample evaluated over a small data set ({@code evals/research.jsonl}) in two
 * variants: on the scripted model, and on the model calls of a cassette
 * ({@code cassettes/research.json}) replayed without any model. Each case's steps are checked
 * (questions are planned by two voting planners, read and written; a remark is only answered), the report is scored
 * against its JSON Schema and the topics the case expects, and a judge grades the answer; the gates
 * fail the build when a variant falls below them. Reports go to {@code target/crux-eval/}.
 *
 * <p>The cassette was recorded from the scripted model, since no language model is reachable where
 * crux-ee is built. Against a real one, with the sample's model configured
 * ({@code crux.models.research.*}), run this test once with {@code -Dcrux.cassette.mode=RECORD}
 * and commit the file; CI then replays it.
 */
class ResearchEvaluationTest {

    private static final Path CASSETTE = Path.of("src/test/resources/cassettes/research.json");
    private static final String JUDGE = "judge";

    private final Library library = new Library();

    /** The model calls the cassette variant replays (and records, in RECORD mode, from the scripted model). */
    private final Cassette cassette = Cassette.open(CASSETTE);

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

    /**
     * A judge that passes an answer that cites the library's note on every topic the report names:
     * a scripted one, so that the verdicts are the same at every build.
     */
    private ScriptedModel judge() {
        ScriptedModel judge = ScriptedModel.named(JUDGE);
        judge.when(request -> true).replyWith(request -> {
            String prompt =
                    request.messages().get(request.messages().size() - 1).toString();
            List<String> cited = library.topics().stream()
                    .filter(t -> prompt.contains(library.note(t).text()))
                    .toList();
            boolean pass = !cited.isEmpty() || prompt.contains("Ask me a question");
            return Reply.json("{\"score\":" + (pass ? "1.0" : "0.0") + ",\"pass\":" + pass + ",\"reason\":\""
                    + (pass ? "cites the library on " + cited : "cites nothing") + "\"}");
        });
        return judge;
    }

    private ModelRegistry models(ModelRegistry research) {
        ScriptedModel judge = judge();
        return new ModelRegistry() {
            @Override
            public dev.langchain4j.model.chat.ChatModel chatModel(String name) {
                return JUDGE.equals(name) ? judge : research.chatModel(name);
            }

            @Override
            public dev.langchain4j.model.chat.StreamingChatModel streamingChatModel(String name) {
                return JUDGE.equals(name) ? judge : research.streamingChatModel(name);
            }
        };
    }

    /** The share of the expected topics the report names (a remark expects none and names none). */
    private static Score topics(io.crux.ee.eval.Scored<Report> scored) {
        Collection<?> expected = (Collection<?>) scored.expected();
        List<String> named = scored.output().topics();
        if (expected.isEmpty()) {
            return named.isEmpty() ? Score.pass("no topics, as expected") : Score.fail("topics " + named);
        }
        long found = expected.stream().filter(named::contains).count();
        double value = (double) found / expected.size();
        return new Score(value, found == expected.size(), "named " + named + ", expected " + expected);
    }

    private Evaluation<Inquiry, Report> evaluation() {
        ModelRegistry scripted = ModelRegistry.of(ResearchModels.SCRIPTED, ResearchModels.scripted(library));
        return Evaluation.<Inquiry, Report>of("research", () -> CruxTest.<Inquiry, Report>testFlow(flow()))
                .action("ask")
                .cases(DataSet.jsonl("evals/research.jsonl", Inquiry.class))
                .variant("scripted", test -> test.service(ModelRegistry.class, models(scripted)))
                .variant("cassette", test -> test.service(ModelRegistry.class, models(cassette.registry(scripted))))
                .expectSteps(
                        EvalCase.tagged("research"),
                        StepExpectation.succeeded(
                                "route/decide", "plan/focused", "plan/broad", "plan/tally", "brief", "write", "report"),
                        StepExpectation.inOrder("plan/focused", "plan/broad", "plan/tally", "brief", "write", "report"),
                        StepExpectation.attemptsAtMost("write", 1),
                        StepExpectation.notRun("reply"))
                .expectSteps(
                        EvalCase.tagged("smalltalk"),
                        StepExpectation.succeeded("reply", "report"),
                        StepExpectation.notRun("plan/tally", "write"))
                .expectSteps(StepExpectation.noFallback())
                .scorer("schema", Scorers.jsonSchema(Report.class))
                .scorer("topics", ResearchEvaluationTest::topics)
                .scorer(
                        "disclaimer",
                        scored -> scored.output().answer().startsWith("[scripted model")
                                ? Score.pass("says that the model is scripted")
                                : Score.fail("does not say that the model is scripted"))
                .scorer("judge", Scorers.judge(JUDGE, "The answer cites the library's note on the topics it names."))
                .gate(Gate.passRate(1.0))
                .gate(Gate.meanScore("judge", 0.8))
                .gate(Gate.stepPassRate(1.0));
    }

    @TestFactory
    Stream<DynamicNode> researchOverTheDataSet() {
        return evaluation().dynamicTests();
    }

    /** After the factory's dynamic tests: the flow made every call the cassette holds, no fewer. */
    @AfterEach
    void everyRecordedCallWasReplayed() {
        assertThat(cassette.unusedRecordings())
                .as("recordings the flow no longer asks for")
                .isEmpty();
    }
}
