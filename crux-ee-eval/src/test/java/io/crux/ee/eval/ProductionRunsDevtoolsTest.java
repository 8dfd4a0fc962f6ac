package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.eval.QuestionFlow.Question;
import io.crux.ee.testkit.StepRecord;

/**
 * Production runs read from the devtools API: a small HTTP server in the test answers with devtools
 * JSON as {@code DevtoolsViews} writes it (test resources under {@code devtools/}), two pages of runs
 * and each run's detail, and refuses as the real resource does (401, 403, 404 while off).
 */
class ProductionRunsDevtoolsTest {

    private static final String MANAGER =
            "Basic " + Base64.getEncoder().encodeToString("manager:manager-password".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean devtoolsOn = true;
    private volatile String firstRun = "run-b";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/app/api/devtools/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/app/api");
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(path + (query == null ? "" : "?" + query));
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (!devtoolsOn) {
            send(exchange, 404, "{\"status\":404}");
        } else if (auth == null) {
            send(exchange, 401, "{\"status\":401}");
        } else if (!auth.equals(MANAGER)) {
            send(exchange, 403, "{\"status\":403}");
        } else if (path.equals("/app/api/devtools/runs")) {
            boolean second = query != null && query.contains("cursor=");
            String page = second ? "runs-page2.json" : "runs-page1.json";
            String body = resource(page);
            if (!second && !firstRun.equals("run-b")) {
                body = body.replace("run-b", firstRun);
            }
            send(exchange, 200, body);
        } else if (path.startsWith("/app/api/devtools/runs/")) {
            String id = path.substring("/app/api/devtools/runs/".length());
            send(exchange, 200, resource(id + ".json"));
        } else {
            send(exchange, 404, "{}");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ProductionRunsDevtoolsTest.class.getResourceAsStream("/devtools/" + name)) {
            if (in == null) {
                throw new IOException("no resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private ProductionRuns.Devtools runs() {
        return ProductionRuns.fromDevtools(api()).basicAuth("manager", "manager-password");
    }

    @Test
    void pagesOfRunsBecomeCasesWithTheStoredRunAsBaseline() {
        ProductionRuns<Question> cases = runs().flow("questions")
                .status(FlowStatus.COMPLETED)
                .between(Instant.parse("2026-12-01T00:00:00Z"), Instant.parse("2026-12-02T00:00:00Z"))
                .session("s 1")
                .limit(5)
                .inputs(Question.class);

        assertThat(cases.name()).isEqualTo("runs of questions");
        assertThat(requests)
                .containsExactly(
                        "/app/api/devtools/runs?flow=questions&status=COMPLETED&session=s+1"
                                + "&from=2026-12-01T00%3A00%3A00Z&to=2026-12-02T00%3A00%3A00Z&limit=5",
                        "/app/api/devtools/runs?flow=questions&status=COMPLETED&session=s+1"
                                + "&from=2026-12-01T00%3A00%3A00Z&to=2026-12-02T00%3A00%3A00Z"
                                + "&cursor=MjAyNi0xMi0wMVQxMDowMDowNVp8cnVuLWI&limit=4",
                        "/app/api/devtools/runs/run-b",
                        "/app/api/devtools/runs/run-a");
        assertThat(cases.cases()).extracting(EvalCase::id).containsExactly("run-b", "run-a");

        EvalCase<Question> a = cases.cases().get(1);
        assertThat(a.input()).isEqualTo(new Question("why", 1));
        assertThat(a.expected()).isNull();
        Baseline base = a.baseline();
        assertThat(base.runId()).isEqualTo("run-a");
        assertThat(base.status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(base.output()).isEqualTo("answer to why (found why)");
        assertThat(base.duration()).isEqualTo(Duration.ofMillis(1200));
        assertThat(base.steps())
                .containsExactly(
                        new StepRecord("plan", StepRecord.Status.SUCCEEDED, 1, 0, Duration.ofMillis(100)),
                        new StepRecord("search", StepRecord.Status.SUCCEEDED, 2, 1, Duration.ofMillis(800)),
                        new StepRecord("answer", StepRecord.Status.SUCCEEDED, 1, 2, Duration.ofMillis(250)));

        // an item checkpoint is not a step; a step without a recorded start has no duration
        assertThat(cases.cases().get(0).baseline().steps())
                .containsExactly(new StepRecord("plan", StepRecord.Status.SUCCEEDED, 1, 0, Duration.ZERO));
    }

    @Test
    void theLimitStopsPagingAndTheStoredOutputCanBeExpected() {
        ProductionRuns<Question> cases =
                runs().flow("questions").limit(1).expectStoredOutput().inputs(Question.class);

        assertThat(requests)
                .containsExactly("/app/api/devtools/runs?flow=questions&limit=1", "/app/api/devtools/runs/run-b");
        assertThat(cases.cases())
                .singleElement()
                .satisfies(c -> assertThat(c.expected()).isEqualTo("hello there"));
    }

    @Test
    void theReportPutsTheNewOutcomeBesideTheStoredRun() throws IOException {
        EvaluationReport report = Evaluation.of("rerun", QuestionFlow::test)
                .cases(runs().flow("questions").expectStoredOutput().inputs(Question.class))
                .scorer("same answer", Scorers.equalsExpected())
                .gate(Gate.passRate(0.5))
                .reportsTo(dir)
                .run();

        // run-a's answer is the same today; run-b's stored "hello there" is not what the code says now
        assertThat(report.result("default", "run-a").passed()).isTrue();
        assertThat(report.result("default", "run-b").passed()).isFalse();
        report.assertGatesPass();
        String md = Files.readString(dir.resolve("rerun.md"));
        assertThat(md)
                .contains("## Against the baseline")
                .contains("| run-a | default | COMPLETED | COMPLETED | 1200.0 ms |")
                .contains("| answer to why (found why) | answer to why (found why) | plan 100.0 ms, search 800.0 ms x2,"
                        + " answer 250.0 ms | plan ")
                .contains("| hello there | hello | plan 0.0 ms | plan ");
        String html = Files.readString(dir.resolve("rerun.html"));
        assertThat(html)
                .contains("<h2>Against the baseline</h2>")
                .contains("<td>run-a</td><td>COMPLETED</td><td class=\"pass\">COMPLETED</td><td>1200.0 ms</td>")
                .contains("<td>plan 100.0 ms, search 800.0 ms x2, answer 250.0 ms</td>");
    }

    @Test
    void withoutCredentialsTheApiAnswers401() {
        assertThatThrownBy(() -> ProductionRuns.fromDevtools(api()).inputs(Question.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0309E")
                .hasMessageContaining("answered 401")
                .hasMessageContaining("basicAuth(user, password)");
    }

    @Test
    void aUserOutsideTheOperatorRoleGets403() {
        assertThatThrownBy(() -> ProductionRuns.fromDevtools(api())
                        .basicAuth("alice", "alice-password")
                        .inputs(Question.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0309E")
                .hasMessageContaining("answered 403")
                .hasMessageContaining("operator role");
    }

    @Test
    void devtoolsThatAreOffAnswer404() {
        devtoolsOn = false;

        assertThatThrownBy(() -> runs().inputs(Question.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0316E")
                .hasMessageContaining("/app/api/devtools/runs?limit=50")
                .hasMessageContaining("crux.devtools.enabled=true");
    }

    @Test
    void anInputThatDoesNotBindNamesTheRun() {
        firstRun = "run-bad";

        assertThatThrownBy(() -> runs().limit(1).inputs(Question.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0317E")
                .hasMessageContaining("run-bad")
                .hasMessageContaining(Question.class.getName());
    }

    @Test
    void aServerThatIsNotThereFailsWithTheUrl() {
        URI gone = api();
        server.stop(0);

        assertThatThrownBy(() -> ProductionRuns.fromDevtools(gone)
                        .basicAuth("manager", "manager-password")
                        .timeout(Duration.ofSeconds(5))
                        .inputs(Question.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0318E")
                .hasMessageContaining(gone.toString());
    }
}
