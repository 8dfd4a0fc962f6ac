package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.eval.QuestionFlow.Question;
import io.crux.ee.testkit.StepRecord;

/** The reports: JUnit XML that Surefire's readers accept, and Markdown for people. */
class ReportTest {

    @TempDir
    Path dir;

    private EvaluationReport report() {
        Baseline baseline = new Baseline(
                "run-7",
                FlowStatus.COMPLETED,
                "answer to why (found it)",
                Duration.ofMillis(1200),
                List.of(new StepRecord("plan", StepRecord.Status.SUCCEEDED, 1, 0, Duration.ofMillis(300))));
        return Evaluation.of("research & more", QuestionFlow::test)
                .cases(DataSet.of(
                        EvalCase.of("why", new Question("why", 1), "answer to why")
                                .withBaseline(baseline),
                        EvalCase.of("who", new Question("who", 0), "it was <Ada>"),
                        EvalCase.of("crash", new Question("crash", 0), "x")))
                .variant("plain", t -> t.sessionState(Map.of("style", "plain")))
                .variant("loud", t -> t.sessionState(Map.of("style", "loud")))
                .scorer("mentions", Scorers.containsExpected())
                .gate(Gate.passRate(0.3))
                .reportsTo(dir)
                .run();
    }

    @Test
    void junitXmlHasOneTestCasePerCaseAndVariantAndTheGates() throws Exception {
        report();

        Path xml = dir.resolve("TEST-research___more.xml");
        assertThat(xml).exists();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element suite = doc.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("name")).isEqualTo("crux-eval.research & more");
        assertThat(suite.getAttribute("tests")).isEqualTo("7");
        assertThat(suite.getAttribute("failures")).isEqualTo("6");
        assertThat(suite.getAttribute("errors")).isEqualTo("0");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(7);
        Element first = (Element) cases.item(0);
        assertThat(first.getAttribute("name")).isEqualTo("why [plain]");
        assertThat(first.getElementsByTagName("failure").getLength()).isZero();
        assertThat(Double.parseDouble(first.getAttribute("time"))).isGreaterThanOrEqualTo(0);
        Element who = (Element) cases.item(1);
        assertThat(who.getAttribute("name")).isEqualTo("who [plain]");
        Element failure = (Element) who.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).contains("mentions 0.00: does not contain \"it was <Ada>\"");
        assertThat(failure.getAttribute("type")).isEqualTo("java.lang.AssertionError");
        assertThat(failure.getTextContent()).contains("output: answer to who (found who)");
        Element crash = (Element) cases.item(2);
        assertThat(((Element) crash.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .contains("run FAILED")
                .contains("the flow crashed");
        Element gates = (Element) cases.item(6);
        assertThat(gates.getAttribute("name")).isEqualTo("gates");
        assertThat(gates.getElementsByTagName("failure").getLength())
                .as("the loud variant passes no case")
                .isEqualTo(1);
    }

    @Test
    void markdownShowsSummaryGatesDifferencesCasesFailuresAndBaselines() throws Exception {
        EvaluationReport report = report();

        String md = Files.readString(dir.resolve("research___more.md"));
        assertThat(md).startsWith("# Evaluation research & more");
        assertThat(md).contains("**Gates FAILED.**");
        assertThat(md).contains("| plain | 1/3 | 33% | 67% | 100% | 0.33 | 33% |");
        assertThat(md).contains("| loud | 0/3 | 0% |");
        assertThat(md).contains("❌ FAILED pass rate >= 0.3 [loud]: 0.000");
        assertThat(md)
                .contains("## Differences between variants")
                .contains("| why | pass (mentions 1.00) | **FAIL** (mentions 0.00) |");
        assertThat(md).contains("## Cases").contains("search x2");
        assertThat(md).contains("### who [plain]").contains("- expected: `it was <Ada>`");
        assertThat(md)
                .contains("## Against the baseline")
                .contains("| why | plain | COMPLETED | COMPLETED | 1200.0 ms |")
                .contains("| answer to why (found it) | answer to why (found why) | plan 300.0 ms | plan ");
        assertThat(report.writeTo(dir.resolve("again")))
                .extracting(p -> p.getFileName().toString())
                .containsExactly("TEST-research___more.xml", "research___more.md", "research___more.html");
        String html = Files.readString(dir.resolve("research___more.html"));
        assertThat(html)
                .startsWith("<!DOCTYPE html>")
                .contains("<title>Evaluation research &amp; more</title>")
                .contains("does not contain &quot;it was &lt;Ada&gt;&quot;")
                .contains("FAILED pass rate &gt;= 0.3 [loud]")
                .doesNotContain("<Ada>");
    }

    @Test
    void noReportIsWrittenWhenTheDirectoryIsNull() throws Exception {
        Evaluation.of("quiet", QuestionFlow::test)
                .cases(DataSet.of(EvalCase.of("a", new Question("hello", 0))))
                .reportsTo(null)
                .run();

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
