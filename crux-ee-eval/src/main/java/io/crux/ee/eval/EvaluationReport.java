package io.crux.ee.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The outcome of an {@link Evaluation}: every case under every variant, each variant's summary, the
 * gates' verdicts and the differences between variants. {@link #assertGatesPass()} turns it into a
 * test verdict; {@link #writeTo(Path)} writes it as JUnit XML and Markdown. Immutable.
 *
 * @param name the evaluation's name
 * @param dataSet the data set's name
 * @param variants the variants' names, in declaration order
 * @param results every case's result, variant by variant, in data set order
 * @param summaries each variant's summary, by name
 * @param gates each gate's verdict on each variant
 */
public record EvaluationReport(
        String name,
        String dataSet,
        List<String> variants,
        List<CaseResult> results,
        Map<String, VariantSummary> summaries,
        List<GateResult> gates) {

    /** Copies the lists and the map. */
    public EvaluationReport {
        Objects.requireNonNull(name, "name");
        variants = List.copyOf(variants);
        results = List.copyOf(results);
        summaries = Collections.unmodifiableMap(new LinkedHashMap<>(summaries));
        gates = List.copyOf(gates);
    }

    /**
     * A case whose verdict or scores differ between the variants.
     *
     * @param caseId the case
     * @param results its result under each variant, by variant name
     */
    public record Difference(String caseId, Map<String, CaseResult> results) {}

    /** @return whether every gate passed on every variant */
    public boolean passed() {
        return gates.stream().allMatch(GateResult::passed);
    }

    /**
     * @param variant a variant's name
     * @return its summary
     * @throws NoSuchElementException if there is no such variant
     */
    public VariantSummary summary(String variant) {
        VariantSummary s = summaries.get(variant);
        if (s == null) {
            throw new NoSuchElementException("No variant '" + variant + "'; the variants are " + variants);
        }
        return s;
    }

    /**
     * @param variant a variant's name
     * @param caseId a case's id
     * @return that case's result under that variant
     * @throws NoSuchElementException if there is none
     */
    public CaseResult result(String variant, String caseId) {
        return results.stream()
                .filter(r -> r.variant().equals(variant) && r.caseId().equals(caseId))
                .findFirst()
                .orElseThrow(() -> new NoSuchElementException("No result for case '" + caseId + "' of variant '"
                        + variant + "'; the variants are " + variants));
    }

    /** @return the results that did not pass, variant by variant */
    public List<CaseResult> failures() {
        return results.stream().filter(r -> !r.passed()).toList();
    }

    /**
     * @return the cases whose verdict or any score's value or pass differs between the variants, in
     *     data set order; empty with one variant
     */
    public List<Difference> differences() {
        Map<String, Map<String, CaseResult>> byCase = new LinkedHashMap<>();
        for (CaseResult r : results) {
            byCase.computeIfAbsent(r.caseId(), k -> new LinkedHashMap<>()).put(r.variant(), r);
        }
        List<Difference> out = new ArrayList<>();
        byCase.forEach((id, rs) -> {
            List<CaseResult> list = List.copyOf(rs.values());
            CaseResult first = list.get(0);
            boolean differs = list.stream().anyMatch(r -> r.passed() != first.passed() || !sameValues(r, first));
            if (differs) {
                out.add(new Difference(id, rs));
            }
        });
        return out;
    }

    private static boolean sameValues(CaseResult a, CaseResult b) {
        if (!a.scores().keySet().equals(b.scores().keySet())) {
            return false;
        }
        return a.scores().entrySet().stream().allMatch(e -> {
            Score other = b.scores().get(e.getKey());
            return other.value() == e.getValue().value()
                    && other.passed() == e.getValue().passed();
        });
    }

    /**
     * @return this
     * @throws AssertionError (CRUX0304E) listing the failed gates and the failing cases if a gate failed
     */
    public EvaluationReport assertGatesPass() {
        if (passed()) {
            return this;
        }
        StringBuilder b = new StringBuilder();
        gates.stream()
                .filter(g -> !g.passed())
                .forEach(g -> b.append("  ").append(g).append('\n'));
        List<CaseResult> failures = failures();
        if (!failures.isEmpty()) {
            b.append("Failing cases:\n");
            for (CaseResult r : failures) {
                b.append("  ")
                        .append(r.caseId())
                        .append(variants.size() > 1 ? " [" + r.variant() + "]" : "")
                        .append(": ")
                        .append(String.join("; ", r.problems()))
                        .append('\n');
            }
        }
        throw new AssertionError(EvalMessages.gatesFailed(name, b.toString().stripTrailing()));
    }

    /**
     * Writes {@code TEST-<name>.xml} (JUnit XML as Surefire writes it: one test case per case and
     * variant, and one for the gates), {@code <name>.md} (scores, failures, variant comparison,
     * timings, baselines) and {@code <name>.html} (the summary, gates and cases as one page) into the
     * directory, creating it.
     *
     * @param dir the directory, such as {@code target/crux-eval}
     * @return the files written
     * @throws java.io.UncheckedIOException (CRUX0308E) if they could not be written
     */
    public List<Path> writeTo(Path dir) {
        return ReportWriter.write(this, dir);
    }

    @Override
    public String toString() {
        return "EvaluationReport[" + name + ", "
                + summaries.values().stream()
                        .map(s -> s.variant() + ": " + s.passed() + "/" + s.cases() + " passed")
                        .collect(Collectors.joining(", "))
                + (passed() ? ", gates passed]" : ", gates FAILED]");
    }
}
