package io.crux.ee.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.crux.ee.testkit.StepRecord;

/** Writes an {@link EvaluationReport} as JUnit XML and as Markdown. */
final class ReportWriter {

    private ReportWriter() {}

    static List<Path> write(EvaluationReport report, Path dir) {
        String base = fileName(report.name());
        Path xml = dir.resolve("TEST-" + base + ".xml");
        Path md = dir.resolve(base + ".md");
        Path html = dir.resolve(base + ".html");
        try {
            Files.createDirectories(dir);
            writeXml(report, xml);
            Files.writeString(md, markdown(report), StandardCharsets.UTF_8);
            Files.writeString(html, html(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(EvalMessages.reportNotWritten(dir.toString(), e.toString()), e);
        } catch (ParserConfigurationException | TransformerException e) {
            throw new IllegalStateException(EvalMessages.reportNotWritten(dir.toString(), e.toString()), e);
        }
        return List.of(xml, md, html);
    }

    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static String testName(CaseResult r, EvaluationReport report) {
        return report.variants().size() > 1 ? r.caseId() + " [" + r.variant() + "]" : r.caseId();
    }

    private static void writeXml(EvaluationReport report, Path file)
            throws ParserConfigurationException, TransformerException, IOException {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element suite = doc.createElement("testsuite");
        doc.appendChild(suite);
        long failures = report.failures().size() + (report.passed() ? 0 : 1);
        Duration total = report.results().stream().map(CaseResult::duration).reduce(Duration.ZERO, Duration::plus);
        suite.setAttribute("name", "crux-eval." + report.name());
        suite.setAttribute("tests", String.valueOf(report.results().size() + 1));
        suite.setAttribute("failures", String.valueOf(failures));
        suite.setAttribute("errors", "0");
        suite.setAttribute("skipped", "0");
        suite.setAttribute("time", seconds(total));
        Element properties = doc.createElement("properties");
        suite.appendChild(properties);
        property(doc, properties, "crux.eval.dataSet", report.dataSet());
        property(doc, properties, "crux.eval.variants", String.join(",", report.variants()));
        for (CaseResult r : report.results()) {
            Element testCase = doc.createElement("testcase");
            testCase.setAttribute("name", testName(r, report));
            testCase.setAttribute("classname", "crux-eval." + report.name());
            testCase.setAttribute("time", seconds(r.duration()));
            if (!r.passed()) {
                Element failure = doc.createElement("failure");
                failure.setAttribute("message", String.join("; ", r.problems()));
                failure.setAttribute("type", AssertionError.class.getName());
                failure.setTextContent(details(r));
                testCase.appendChild(failure);
            }
            Element out = doc.createElement("system-out");
            out.setTextContent(details(r));
            testCase.appendChild(out);
            suite.appendChild(testCase);
        }
        Element gates = doc.createElement("testcase");
        gates.setAttribute("name", "gates");
        gates.setAttribute("classname", "crux-eval." + report.name());
        gates.setAttribute("time", "0");
        if (!report.passed()) {
            Element failure = doc.createElement("failure");
            failure.setAttribute(
                    "message",
                    report.gates().stream()
                            .filter(g -> !g.passed())
                            .map(GateResult::toString)
                            .collect(Collectors.joining("; ")));
            failure.setAttribute("type", AssertionError.class.getName());
            failure.setTextContent(
                    report.gates().stream().map(GateResult::toString).collect(Collectors.joining("\n")));
            gates.appendChild(failure);
        }
        suite.appendChild(gates);
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.INDENT, "yes");
        t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            t.transform(new DOMSource(doc), new StreamResult(w));
        }
    }

    private static void property(Document doc, Element properties, String name, String value) {
        Element p = doc.createElement("property");
        p.setAttribute("name", name);
        p.setAttribute("value", value);
        properties.appendChild(p);
    }

    private static String details(CaseResult r) {
        StringBuilder b = new StringBuilder();
        b.append("input: ").append(JsonForms.text(r.testCase().input())).append('\n');
        if (r.testCase().expected() != null) {
            b.append("expected: ")
                    .append(JsonForms.text(r.testCase().expected()))
                    .append('\n');
        }
        b.append("status: ").append(r.status()).append('\n');
        if (r.completed()) {
            b.append("output: ").append(JsonForms.text(r.output())).append('\n');
        } else {
            b.append("failure: ").append(r.failure()).append('\n');
        }
        r.stepFailures().forEach(f -> b.append("steps: ").append(f).append('\n'));
        r.scores()
                .forEach((name, s) -> b.append(name)
                        .append(": ")
                        .append(number(s.value()))
                        .append(s.passed() ? " passed - " : " FAILED - ")
                        .append(s.explanation())
                        .append('\n'));
        b.append("steps: ")
                .append(r.steps().stream()
                        .map(s -> s.label() + " " + s.status() + " " + millis(s.duration()))
                        .collect(Collectors.joining(", ")));
        return b.toString();
    }

    static String markdown(EvaluationReport report) {
        StringBuilder b = new StringBuilder();
        b.append("# Evaluation ").append(report.name()).append("\n\n");
        b.append("Data set: `").append(report.dataSet()).append("`. ");
        b.append(report.passed() ? "**Gates passed.**" : "**Gates FAILED.**").append("\n\n");

        b.append("## Summary\n\n");
        List<String> scorers = report.summaries().values().stream()
                .flatMap(s -> s.meanScores().keySet().stream())
                .distinct()
                .toList();
        b.append("| variant | passed | pass rate | completed | steps met |");
        scorers.forEach(s ->
                b.append(" mean ").append(cell(s)).append(" | ").append(cell(s)).append(" pass |"));
        b.append(" time |\n|---|---|---|---|---|");
        scorers.forEach(s -> b.append("---|---|"));
        b.append("---|\n");
        for (VariantSummary s : report.summaries().values()) {
            b.append("| ")
                    .append(cell(s.variant()))
                    .append(" | ")
                    .append(s.passed())
                    .append('/')
                    .append(s.cases())
                    .append(" | ")
                    .append(percent(s.passRate()))
                    .append(" | ")
                    .append(percent(s.completionRate()))
                    .append(" | ")
                    .append(percent(s.stepPassRate()))
                    .append(" |");
            for (String scorer : scorers) {
                Double mean = s.meanScores().get(scorer);
                Double pass = s.scorerPassRates().get(scorer);
                b.append(' ')
                        .append(mean == null ? "" : number(mean))
                        .append(" | ")
                        .append(pass == null ? "" : percent(pass))
                        .append(" |");
            }
            b.append(' ').append(millis(s.duration())).append(" |\n");
        }

        b.append("\n## Gates\n\n");
        for (GateResult g : report.gates()) {
            b.append("- ").append(g.passed() ? "✅ " : "❌ ").append(g).append('\n');
        }

        List<EvaluationReport.Difference> differences = report.differences();
        if (report.variants().size() > 1) {
            b.append("\n## Differences between variants\n\n");
            if (differences.isEmpty()) {
                b.append("Every case has the same verdict and scores under every variant.\n");
            } else {
                b.append("| case |");
                report.variants().forEach(v -> b.append(' ').append(cell(v)).append(" |"));
                b.append("\n|---|");
                report.variants().forEach(v -> b.append("---|"));
                b.append('\n');
                for (EvaluationReport.Difference d : differences) {
                    b.append("| ").append(cell(d.caseId())).append(" |");
                    for (String v : report.variants()) {
                        CaseResult r = d.results().get(v);
                        b.append(' ').append(r == null ? "" : verdict(r)).append(" |");
                    }
                    b.append('\n');
                }
            }
        }

        b.append("\n## Cases\n\n");
        b.append("| case | variant | verdict | status | time | steps | scores |\n|---|---|---|---|---|---|---|\n");
        for (CaseResult r : report.results()) {
            b.append("| ")
                    .append(cell(r.caseId()))
                    .append(" | ")
                    .append(cell(r.variant()))
                    .append(" | ")
                    .append(r.passed() ? "pass" : "**FAIL**")
                    .append(" | ")
                    .append(r.status())
                    .append(" | ")
                    .append(millis(r.duration()))
                    .append(" | ")
                    .append(cell(r.steps().stream()
                            .map(s -> s.label() + (s.status() == StepRecord.Status.SUCCEEDED ? "" : " " + s.status())
                                    + (s.attempts() > 1 ? " x" + s.attempts() : "") + " " + millis(s.duration()))
                            .collect(Collectors.joining(", "))))
                    .append(" | ")
                    .append(cell(r.scores().entrySet().stream()
                            .map(e -> e.getKey() + " " + number(e.getValue().value()))
                            .collect(Collectors.joining(", "))))
                    .append(" |\n");
        }

        List<CaseResult> failures = report.failures();
        if (!failures.isEmpty()) {
            b.append("\n## Failures\n\n");
            for (CaseResult r : failures) {
                b.append("### ").append(testName(r, report)).append("\n\n");
                b.append("- input: `")
                        .append(inline(JsonForms.text(r.testCase().input())))
                        .append("`\n");
                if (r.testCase().expected() != null) {
                    b.append("- expected: `")
                            .append(inline(JsonForms.text(r.testCase().expected())))
                            .append("`\n");
                }
                if (r.completed()) {
                    b.append("- output: `")
                            .append(inline(JsonForms.text(r.output())))
                            .append("`\n");
                }
                r.problems().forEach(p -> b.append("- ").append(inline(p)).append('\n'));
                b.append('\n');
            }
        }

        List<CaseResult> withBaseline = report.results().stream()
                .filter(r -> r.testCase().baseline() != null)
                .toList();
        if (!withBaseline.isEmpty()) {
            b.append("\n## Against the baseline\n\n");
            b.append("| case | variant | baseline status | status | baseline time | time | baseline output | output"
                    + " | baseline steps | steps |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (CaseResult r : withBaseline) {
                Baseline base = r.testCase().baseline();
                b.append("| ")
                        .append(cell(r.caseId()))
                        .append(" | ")
                        .append(cell(r.variant()))
                        .append(" | ")
                        .append(base.status())
                        .append(" | ")
                        .append(r.status())
                        .append(" | ")
                        .append(base.duration() == null ? "" : millis(base.duration()))
                        .append(" | ")
                        .append(millis(r.duration()))
                        .append(" | ")
                        .append(cell(base.output() == null ? "" : JsonForms.text(base.output())))
                        .append(" | ")
                        .append(cell(r.output() == null ? "" : JsonForms.text(r.output())))
                        .append(" | ")
                        .append(cell(timings(base.steps())))
                        .append(" | ")
                        .append(cell(timings(r.steps())))
                        .append(" |\n");
            }
        }
        return b.toString();
    }

    /** The same content as the Markdown, as one HTML page without scripts or external resources. */
    static String html(EvaluationReport report) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Evaluation ")
                .append(esc(report.name()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
                        + ".pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}</style></head><body>\n");
        b.append("<h1>Evaluation ")
                .append(esc(report.name()))
                .append("</h1>\n<p>Data set <code>")
                .append(esc(report.dataSet()))
                .append("</code>. ")
                .append(
                        report.passed()
                                ? "<span class=\"pass\">Gates passed.</span>"
                                : "<span class=\"fail\">Gates FAILED.</span>")
                .append("</p>\n<h2>Summary</h2>\n<table><tr><th>variant</th><th>passed</th><th>pass rate</th>"
                        + "<th>completed</th><th>steps met</th><th>mean scores</th><th>time</th></tr>\n");
        for (VariantSummary s : report.summaries().values()) {
            b.append("<tr><td>")
                    .append(esc(s.variant()))
                    .append("</td><td>")
                    .append(s.passed())
                    .append('/')
                    .append(s.cases())
                    .append("</td><td>")
                    .append(percent(s.passRate()))
                    .append("</td><td>")
                    .append(percent(s.completionRate()))
                    .append("</td><td>")
                    .append(percent(s.stepPassRate()))
                    .append("</td><td>")
                    .append(esc(s.meanScores().entrySet().stream()
                            .map(e -> e.getKey() + " " + number(e.getValue()) + " ("
                                    + percent(s.scorerPassRates().get(e.getKey())) + " pass)")
                            .collect(Collectors.joining(", "))))
                    .append("</td><td>")
                    .append(millis(s.duration()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<h2>Gates</h2>\n<ul>\n");
        for (GateResult g : report.gates()) {
            b.append("<li class=\"")
                    .append(g.passed() ? "pass" : "fail")
                    .append("\">")
                    .append(esc(g.toString()))
                    .append("</li>\n");
        }
        b.append("</ul>\n<h2>Cases</h2>\n<table><tr><th>case</th><th>variant</th><th>verdict</th><th>status</th>"
                + "<th>time</th><th>steps</th><th>scores</th><th>problems</th></tr>\n");
        for (CaseResult r : report.results()) {
            b.append("<tr><td>")
                    .append(esc(r.caseId()))
                    .append("</td><td>")
                    .append(esc(r.variant()))
                    .append("</td><td class=\"")
                    .append(r.passed() ? "pass\">pass" : "fail\">FAIL")
                    .append("</td><td>")
                    .append(r.status())
                    .append("</td><td>")
                    .append(millis(r.duration()))
                    .append("</td><td>")
                    .append(esc(r.steps().stream()
                            .map(s -> s.label() + " " + s.status() + (s.attempts() > 1 ? " x" + s.attempts() : "") + " "
                                    + millis(s.duration()))
                            .collect(Collectors.joining(", "))))
                    .append("</td><td>")
                    .append(esc(r.scores().entrySet().stream()
                            .map(e -> e.getKey() + " " + number(e.getValue().value()))
                            .collect(Collectors.joining(", "))))
                    .append("</td><td>")
                    .append(esc(String.join("\n", r.problems())).replace("\n", "<br>"))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
        List<CaseResult> withBaseline = report.results().stream()
                .filter(r -> r.testCase().baseline() != null)
                .toList();
        if (!withBaseline.isEmpty()) {
            b.append("<h2>Against the baseline</h2>\n<table><tr><th>case</th><th>variant</th><th>baseline run</th>"
                    + "<th>baseline status</th><th>status</th><th>baseline time</th><th>time</th>"
                    + "<th>baseline output</th><th>output</th><th>baseline steps</th><th>steps</th></tr>\n");
            for (CaseResult r : withBaseline) {
                Baseline base = r.testCase().baseline();
                b.append("<tr><td>")
                        .append(esc(r.caseId()))
                        .append("</td><td>")
                        .append(esc(r.variant()))
                        .append("</td><td>")
                        .append(esc(base.runId() == null ? "" : base.runId()))
                        .append("</td><td>")
                        .append(base.status())
                        .append("</td><td class=\"")
                        .append(r.status() == base.status() ? "pass" : "fail")
                        .append("\">")
                        .append(r.status())
                        .append("</td><td>")
                        .append(base.duration() == null ? "" : millis(base.duration()))
                        .append("</td><td>")
                        .append(millis(r.duration()))
                        .append("</td><td>")
                        .append(esc(base.output() == null ? "" : JsonForms.text(base.output())))
                        .append("</td><td>")
                        .append(esc(r.output() == null ? "" : JsonForms.text(r.output())))
                        .append("</td><td>")
                        .append(esc(timings(base.steps())))
                        .append("</td><td>")
                        .append(esc(timings(r.steps())))
                        .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String timings(List<StepRecord> steps) {
        return steps.stream()
                .map(s -> s.label() + " " + millis(s.duration())
                        + (s.attempts() > 1 ? " x" + s.attempts() : "")
                        + (s.status() == StepRecord.Status.SUCCEEDED ? "" : " " + s.status()))
                .collect(Collectors.joining(", "));
    }

    private static String verdict(CaseResult r) {
        return (r.passed() ? "pass" : "**FAIL**")
                + (r.scores().isEmpty()
                        ? ""
                        : " ("
                                + r.scores().entrySet().stream()
                                        .map(e -> e.getKey() + " "
                                                + number(e.getValue().value()))
                                        .collect(Collectors.joining(", "))
                                + ")");
    }

    private static String cell(String s) {
        String one = inline(s).replace("|", "\\|");
        return one.length() > 200 ? one.substring(0, 197) + "..." : one;
    }

    private static String inline(String s) {
        return s.replace("\r", " ").replace("\n", " ").replace("`", "'");
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String percent(double d) {
        return String.format(Locale.ROOT, "%.0f%%", d * 100);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
    }
}
