package io.crux.ee.eval;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The aggregate of one variant's cases: rates and each scorer's mean, what {@link Gate}s read.
 * Immutable.
 *
 * @param variant the variant's name
 * @param cases how many cases ran
 * @param passed how many passed ({@link CaseResult#passed()})
 * @param passRate {@code passed / cases}
 * @param completionRate the share of runs that completed
 * @param stepPassRate the share of runs that met every step expectation
 * @param meanScores each scorer's mean value over the cases (a run that did not complete counts 0)
 * @param scorerPassRates each scorer's share of passing scores
 * @param duration the runs' durations added up
 */
public record VariantSummary(
        String variant,
        int cases,
        int passed,
        double passRate,
        double completionRate,
        double stepPassRate,
        Map<String, Double> meanScores,
        Map<String, Double> scorerPassRates,
        Duration duration) {

    /** Copies the maps. */
    public VariantSummary {
        meanScores = Collections.unmodifiableMap(new LinkedHashMap<>(meanScores));
        scorerPassRates = Collections.unmodifiableMap(new LinkedHashMap<>(scorerPassRates));
    }

    static VariantSummary of(String variant, java.util.List<CaseResult> results, Iterable<String> scorers) {
        int n = results.size();
        Map<String, Double> means = new LinkedHashMap<>();
        Map<String, Double> passes = new LinkedHashMap<>();
        for (String scorer : scorers) {
            means.put(
                    scorer,
                    results.stream()
                            .mapToDouble(r -> r.scores().get(scorer).value())
                            .average()
                            .orElse(0));
            passes.put(
                    scorer,
                    rate(
                            results.stream()
                                    .filter(r -> r.scores().get(scorer).passed())
                                    .count(),
                            n));
        }
        return new VariantSummary(
                variant,
                n,
                (int) results.stream().filter(CaseResult::passed).count(),
                rate(results.stream().filter(CaseResult::passed).count(), n),
                rate(results.stream().filter(CaseResult::completed).count(), n),
                rate(results.stream().filter(CaseResult::stepsMet).count(), n),
                means,
                passes,
                results.stream().map(CaseResult::duration).reduce(Duration.ZERO, Duration::plus));
    }

    private static double rate(long count, int n) {
        return n == 0 ? 0 : count / (double) n;
    }
}
