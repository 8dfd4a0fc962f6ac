package io.crux.it.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.eval.EvalCase;
import io.crux.ee.eval.Evaluation;
import io.crux.ee.eval.EvaluationReport;
import io.crux.ee.eval.Gate;
import io.crux.ee.eval.ProductionRuns;
import io.crux.ee.eval.Score;
import io.crux.ee.eval.Scorers;
import io.crux.ee.eval.StepExpectation;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.StepRecord;
import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.sample.HelpDeskFlow;
import io.crux.sample.HelpDeskModel;
import io.crux.sample.Question;

/**
 * Evaluating production runs: the sample's help desk answers questions in the server (the runs made
 * first); the test then reads the completed help-desk runs of this test's time range and user back
 * through the devtools API, runs each stored input again against the current {@code HelpDeskFlow} in
 * the test JVM with the test kit, scores the new answer against the stored one, gates, and reads the
 * report's baseline rows (stored status, time, output and step timings beside the new ones), which
 * stays in {@code target/crux-eval/help-desk-production.md} and {@code .html}.
 */
class HelpDeskProductionEvalIT {

    private static final String API = "/crux-sample/api";
    private static final String ALICE = "alice:alice-password";
    private static final String BOB = "bob:bob-password";
    private static final String MANAGER = "manager:manager-password";

    /** The help desk types each word after 20 ms, so the stored answer step takes a visible time. */
    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with(
                    "cruxEvalIT", API + "/expenses", s -> s.deploy(Path.of(System.getProperty("sample.war"))))
            .env(Map.of("SAMPLE_HELP_DESK_WORD_PAUSE", "PT0.02S"));

    private static AppServer server() {
        return SERVER.get();
    }

    private static String ask(String question, String user) {
        HttpResponse<String> r =
                server().post(API + "/flows/help-desk/actions/ask", "{\"text\":\"" + question + "\"}", user);
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 202);
        return (String) Json.object(r.body()).get("runId");
    }

    private static void awaitCompleted(String runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<String> r = server().get(API + "/devtools/runs/" + runId, MANAGER);
            return r.statusCode() == 200
                    && "COMPLETED".equals(Json.object(r.body()).get("status"));
        });
    }

    @Test
    void storedHelpDeskRunsAreRunAgainAndReportedBesideTheStoredOnes() throws Exception {
        Instant from = Instant.now().minusSeconds(5); // the server's clock is this machine's
        List<String> alices = new ArrayList<>();
        for (String q : List.of("How do I file an expense?", "I forgot my password", "When can I book a holiday?")) {
            alices.add(ask(q, ALICE));
        }
        String bobs = ask("How do I file an expense?", BOB);
        alices.forEach(HelpDeskProductionEvalIT::awaitCompleted);
        awaitCompleted(bobs);
        Instant to = Instant.now().plusSeconds(5);

        ProductionRuns<Question> runs = ProductionRuns.fromDevtools(URI.create(server().url(API)))
                .basicAuth("manager", "manager-password")
                .flow("help-desk")
                .status(FlowStatus.COMPLETED)
                .user("alice")
                .between(from, to)
                .limit(10)
                .expectStoredOutput()
                .inputs(Question.class);
        assertThat(runs.cases()).extracting(EvalCase::id).containsExactlyInAnyOrderElementsOf(alices);
        assertThat(runs.cases()).allSatisfy(c -> {
            assertThat(c.baseline().status()).isEqualTo(FlowStatus.COMPLETED);
            assertThat(c.baseline().steps())
                    .extracting(StepRecord::label)
                    .containsExactly("help-desk/answer", "help-desk/count");
            assertThat(c.baseline().steps().get(0).duration()).isPositive();
        });

        EvaluationReport report = Evaluation.<Question, String>of(
                        "help-desk-production",
                        c -> CruxTest.<Question, String>testFlow(new HelpDeskFlow())
                                .user("alice")
                                .service(
                                        ModelRegistry.class,
                                        ModelRegistry.of(
                                                HelpDeskModel.NAME, new HelpDeskModel(Thread::new, Duration.ZERO))))
                .action("ask")
                .cases(runs)
                .expectSteps(
                        StepExpectation.succeeded("help-desk/answer", "help-desk/count"),
                        StepExpectation.inOrder("help-desk/answer", "help-desk/count"))
                .scorer("same answer", Scorers.equalsExpected())
                .scorer("same steps", s -> {
                    List<String> before = s.testCase().baseline().steps().stream()
                            .map(StepRecord::label)
                            .toList();
                    List<String> now = s.run().steps().labels();
                    return before.equals(now)
                            ? Score.pass("the steps " + now)
                            : Score.fail("the steps were " + before + ", now " + now);
                })
                .gate(Gate.passRate(1.0))
                .gate(Gate.stepPassRate(1.0))
                .run();

        report.assertGatesPass();
        Path reports = Evaluation.DEFAULT_REPORT_DIR; // target/crux-eval: a CI artifact
        String md = Files.readString(reports.resolve("help-desk-production.md"));
        assertThat(md).contains("## Against the baseline");
        for (String id : alices) {
            String row = md.lines()
                    .filter(l -> l.startsWith("| " + id + " | default | COMPLETED | COMPLETED | "))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no baseline row for " + id + " in\n" + md));
            // stored and new: the same answer, and the steps with their timings, the stored ones first
            assertThat(row)
                    .containsPattern("\\| help-desk/answer \\d+\\.\\d ms, help-desk/count \\d+\\.\\d ms \\|"
                            + " help-desk/answer \\d+\\.\\d ms, help-desk/count \\d+\\.\\d ms \\|$");
        }
        assertThat(md)
                .contains("| Submit the claim with POST /api/expenses; claims over 50 EUR wait for a manager's"
                        + " approval. | Submit the claim with POST /api/expenses;");
        assertThat(Files.readString(reports.resolve("help-desk-production.html")))
                .contains("<h2>Against the baseline</h2>");
    }
}
