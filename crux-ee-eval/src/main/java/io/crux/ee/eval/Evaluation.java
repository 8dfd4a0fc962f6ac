package io.crux.ee.eval;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestRun;

/**
 * An evaluation of a flow action (or a block): runs it with the test kit over every case of a
 * {@link DataSet}, under one or more variants, checks each run's steps, scores each output, and gates
 * the build on the aggregate.
 *
 * <pre>{@code
 * class ResearchEvaluationTest {
 *     static final ScriptedModel MODEL = ...;
 *
 *     Evaluation<Inquiry, Report> evaluation = Evaluation.<Inquiry, Report>of(
 *                     "research",
 *                     () -> CruxTest.<Inquiry, Report>testFlow(new ResearchFlow())
 *                             .service(ModelRegistry.class, ModelRegistry.of("default", MODEL)))
 *             .action("research")
 *             .cases(DataSet.jsonl("evals/research.jsonl", Inquiry.class))
 *             .expectSteps(StepExpectation.succeeded("plan", "answer"), StepExpectation.inOrder("plan", "answer"))
 *             .scorer("mentions", Scorers.containsExpected())
 *             .scorer("judge", Scorers.judge("judge", "The report answers the question and cites a source."), 0.7)
 *             .gate(Gate.passRate(0.9))
 *             .gate(Gate.meanScore("judge", 0.7));
 *
 *     @TestFactory
 *     Stream<DynamicNode> research() {
 *         return evaluation.dynamicTests();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Cases.</b> For each case and variant the evaluation makes a fresh {@link FlowTest} with the
 * factory given to {@code of} (a {@link Supplier}, or a {@link Function} of the case to give a case its
 * own services), lets the variant configure it, sets the case's input (and the {@link #action(String)
 * action}, if given) and runs it. To evaluate a block, return {@code CruxTest.testBlock(block)}.
 *
 * <p><b>Verdict of a case.</b> A case passes when its run completed, met every {@link StepExpectation}
 * that applies to it and passed every scorer. A run that did not complete fails every scorer with the
 * value 0.
 *
 * <p><b>Variants.</b> With {@link #variant(String, Consumer)} every case runs once per variant (two
 * models, two prompts, two option sets), and the report compares them side by side; without, once
 * under the variant {@code default}.
 *
 * <p><b>Gates.</b> Each {@link Gate} is checked on each variant's {@link VariantSummary}; without a
 * gate, the evaluation gates on {@link Gate#passRate(double) passRate(1.0)}: every case must pass.
 *
 * <p><b>JUnit 5.</b> {@link #dynamicTests()} returns one dynamic test per case (in one container per
 * variant when there are several) and a last test named {@code gates}, whose verdict is the gates'.
 * A case that passed is a passed test. A case that failed is a failed test, with its problems, when a
 * gate failed; when the gates passed anyway (a {@code passRate(0.9)} tolerates one case in ten) it is
 * an aborted test (reported as skipped) with its problems, so the build's verdict is the gates'. The
 * evaluation runs once, when the first dynamic test executes, and writes its reports then.
 *
 * <p><b>Reports.</b> {@link #run()} writes {@code TEST-<name>.xml}, {@code <name>.md} and
 * {@code <name>.html} to
 * {@code target/crux-eval/} (relative to the working directory, which is the module's under Maven);
 * {@link #reportsTo(Path)} changes the directory, {@code reportsTo(null)} writes none.
 *
 * <p>The builder methods change this object and return it. Not thread-safe: declare it, then run it.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Evaluation<I, O> {

    /** The name of the only variant of an evaluation that declares none. */
    public static final String DEFAULT_VARIANT = "default";

    /** Where reports go unless {@link #reportsTo(Path)} says otherwise. */
    public static final Path DEFAULT_REPORT_DIR = Path.of("target", "crux-eval");

    private record Expectation<I>(Predicate<EvalCase<I>> cases, StepExpectation expectation) {}

    private record NamedScorer<O>(Scorer<O> scorer, Double threshold) {}

    private final String name;
    private final Function<EvalCase<I>, FlowTest<I, O>> tests;
    private String action;
    private DataSet<I> dataSet;
    private final List<Expectation<I>> expectations = new ArrayList<>();
    private final Map<String, NamedScorer<O>> scorers = new LinkedHashMap<>();
    private final List<Gate> gates = new ArrayList<>();
    private final Map<String, Consumer<FlowTest<I, O>>> variants = new LinkedHashMap<>();
    private Path reportDir = DEFAULT_REPORT_DIR;
    private EvaluationReport memo;

    private Evaluation(String name, Function<EvalCase<I>, FlowTest<I, O>> tests) {
        this.name = Objects.requireNonNull(name, "name");
        this.tests = Objects.requireNonNull(tests, "tests");
    }

    /**
     * @param name the evaluation's name: of its report files and its test suite
     * @param tests makes a fresh test for each run, such as
     *     {@code () -> CruxTest.testFlow(new ResearchFlow()).service(ModelRegistry.class, models)}
     * @param <I> the input type
     * @param <O> the output type
     * @return the evaluation, to configure
     */
    public static <I, O> Evaluation<I, O> of(String name, Supplier<FlowTest<I, O>> tests) {
        Objects.requireNonNull(tests, "tests");
        return new Evaluation<>(name, c -> tests.get());
    }

    /**
     * @param name the evaluation's name
     * @param tests makes a fresh test for a case, for example with services that depend on the case
     * @param <I> the input type
     * @param <O> the output type
     * @return the evaluation, to configure
     */
    public static <I, O> Evaluation<I, O> of(String name, Function<EvalCase<I>, FlowTest<I, O>> tests) {
        return new Evaluation<>(name, tests);
    }

    /** @return the evaluation's name */
    public String name() {
        return name;
    }

    /**
     * @param action the action each test runs; may be left out when the flow has one
     * @return this
     */
    public Evaluation<I, O> action(String action) {
        this.action = Objects.requireNonNull(action, "action");
        return this;
    }

    /**
     * @param dataSet the cases
     * @return this
     */
    public Evaluation<I, O> cases(DataSet<I> dataSet) {
        this.dataSet = Objects.requireNonNull(dataSet, "dataSet");
        return this;
    }

    /**
     * @param expectations step expectations for every case
     * @return this
     */
    public Evaluation<I, O> expectSteps(StepExpectation... expectations) {
        return expectSteps(c -> true, expectations);
    }

    /**
     * @param cases which cases they apply to, such as {@code EvalCase.tagged("search")}
     * @param expectations step expectations for those cases
     * @return this
     */
    public Evaluation<I, O> expectSteps(Predicate<EvalCase<I>> cases, StepExpectation... expectations) {
        Objects.requireNonNull(cases, "cases");
        for (StepExpectation e : expectations) {
            this.expectations.add(new Expectation<>(cases, Objects.requireNonNull(e, "expectation")));
        }
        return this;
    }

    /**
     * @param name the scorer's name in the report and in gates
     * @param scorer the scorer; its own {@link Score#passed()} decides
     * @return this
     * @throws IllegalArgumentException if the name is taken
     */
    public Evaluation<I, O> scorer(String name, Scorer<? super O> scorer) {
        return addScorer(name, scorer, null);
    }

    /**
     * @param name the scorer's name
     * @param scorer the scorer
     * @param threshold the least value that passes, instead of the scorer's own verdict
     * @return this
     * @throws IllegalArgumentException if the name is taken or the threshold is not within 0..1
     */
    public Evaluation<I, O> scorer(String name, Scorer<? super O> scorer, double threshold) {
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("A threshold is between 0 and 1, not " + threshold);
        }
        return addScorer(name, scorer, threshold);
    }

    @SuppressWarnings("unchecked")
    private Evaluation<I, O> addScorer(String scorerName, Scorer<? super O> scorer, Double threshold) {
        Objects.requireNonNull(scorerName, "name");
        Objects.requireNonNull(scorer, "scorer");
        if (scorers.containsKey(scorerName)) {
            throw new IllegalArgumentException(
                    EvalMessages.badEvaluation(name, "the scorer name '" + scorerName + "' is used twice"));
        }
        scorers.put(scorerName, new NamedScorer<>((Scorer<O>) scorer, threshold));
        return this;
    }

    /**
     * @param gate a threshold every variant must reach
     * @return this
     */
    public Evaluation<I, O> gate(Gate gate) {
        gates.add(Objects.requireNonNull(gate, "gate"));
        return this;
    }

    /**
     * @param name the variant's name
     * @param configurer configures each test of the variant after the factory made it, for example
     *     {@code t -> t.service(ModelRegistry.class, ModelRegistry.of("default", otherModel))}
     * @return this
     * @throws IllegalArgumentException if the name is taken
     */
    public Evaluation<I, O> variant(String name, Consumer<FlowTest<I, O>> configurer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configurer, "configurer");
        if (variants.containsKey(name)) {
            throw new IllegalArgumentException(
                    EvalMessages.badEvaluation(this.name, "the variant name '" + name + "' is used twice"));
        }
        variants.put(name, configurer);
        return this;
    }

    /**
     * @param dir where {@link #run()} writes its reports, or {@code null} for none
     * @return this
     */
    public Evaluation<I, O> reportsTo(Path dir) {
        this.reportDir = dir;
        return this;
    }

    /**
     * Runs every case under every variant, and writes the reports.
     *
     * @return the report; its gates are not asserted, call {@link EvaluationReport#assertGatesPass()}
     * @throws IllegalStateException (CRUX0307E) without a data set or with an empty one, or (CRUX0305E)
     *     if a gate names a scorer the evaluation does not have
     */
    public EvaluationReport run() {
        List<EvalCase<I>> cases = checkedCases();
        Map<String, Consumer<FlowTest<I, O>>> runVariants =
                variants.isEmpty() ? Map.of(DEFAULT_VARIANT, t -> {}) : variants;
        List<CaseResult> results = new ArrayList<>();
        Map<String, VariantSummary> summaries = new LinkedHashMap<>();
        List<GateResult> verdicts = new ArrayList<>();
        List<Gate> runGates = gates.isEmpty() ? List.of(Gate.passRate(1.0)) : gates;
        for (Map.Entry<String, Consumer<FlowTest<I, O>>> variant : runVariants.entrySet()) {
            List<CaseResult> ofVariant = new ArrayList<>();
            for (EvalCase<I> c : cases) {
                ofVariant.add(runCase(c, variant.getKey(), variant.getValue()));
            }
            results.addAll(ofVariant);
            VariantSummary summary = VariantSummary.of(variant.getKey(), ofVariant, scorers.keySet());
            summaries.put(variant.getKey(), summary);
            runGates.forEach(g -> verdicts.add(g.check(summary)));
        }
        EvaluationReport report = new EvaluationReport(
                name, dataSet.name(), List.copyOf(runVariants.keySet()), results, summaries, verdicts);
        if (reportDir != null) {
            report.writeTo(reportDir);
        }
        return report;
    }

    private List<EvalCase<I>> checkedCases() {
        if (dataSet == null) {
            throw new IllegalStateException(EvalMessages.badEvaluation(name, "it has no cases; call cases(...)"));
        }
        List<EvalCase<I>> cases = dataSet.cases();
        if (cases.isEmpty()) {
            throw new IllegalStateException(
                    EvalMessages.badEvaluation(name, "its data set " + dataSet.name() + " has no case"));
        }
        for (Gate g : gates) {
            if (g.scorer() != null && !scorers.containsKey(g.scorer())) {
                throw new IllegalStateException(EvalMessages.unknownScorer(name, g.scorer(), scorers.keySet()));
            }
        }
        return cases;
    }

    private CaseResult runCase(EvalCase<I> c, String variant, Consumer<FlowTest<I, O>> configurer) {
        FlowTest<I, O> test = Objects.requireNonNull(tests.apply(c), "the test factory returned null");
        configurer.accept(test);
        test.input(c.input());
        if (action != null) {
            test.action(action);
        }
        long start = System.nanoTime();
        TestRun<O> run = test.run();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        FlowStatus status = run.status();
        O output = status == FlowStatus.COMPLETED ? run.output() : null;
        String failure = status == FlowStatus.COMPLETED ? null : describe(run);
        List<String> stepFailures = new ArrayList<>();
        var steps = run.steps();
        for (Expectation<I> e : expectations) {
            if (e.cases().test(c)) {
                e.expectation().check(steps).ifPresent(stepFailures::add);
            }
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        scorers.forEach((scorerName, s) -> scores.put(scorerName, score(s, c, variant, output, run, test, failure)));
        return new CaseResult(
                c, variant, run.flowId(), status, output, failure, steps.list(), stepFailures, scores, duration);
    }

    private Score score(
            NamedScorer<O> s,
            EvalCase<I> c,
            String variant,
            O output,
            TestRun<O> run,
            FlowTest<I, O> test,
            String failure) {
        if (failure != null) {
            return Score.fail("the run did not complete: " + failure);
        }
        Score score;
        try {
            score = Objects.requireNonNull(s.scorer().score(new Scored<>(c, variant, output, run, test)), "score");
        } catch (RuntimeException e) {
            return Score.fail("the scorer failed: " + e);
        }
        return s.threshold() == null
                ? score
                : new Score(score.value(), score.value() >= s.threshold(), score.explanation());
    }

    private static String describe(TestRun<?> run) {
        CruxException failure = run.failure();
        if (failure != null) {
            return failure.getMessage();
        }
        return run.status() + " (" + run.result() + ")";
    }

    /**
     * The evaluation as JUnit 5 dynamic tests, for a {@code @TestFactory} method: one per case (in one
     * container per variant when there are several), then {@code gates}. A failing case fails its test
     * when a gate failed, and aborts it (skipped, with its problems) when the gates passed. The
     * evaluation runs when the first of them executes, once.
     *
     * @return the tests
     * @throws IllegalStateException (CRUX0307E) without cases
     */
    public Stream<DynamicNode> dynamicTests() {
        List<EvalCase<I>> cases = checkedCases();
        List<String> names = variants.isEmpty() ? List.of(DEFAULT_VARIANT) : List.copyOf(variants.keySet());
        List<DynamicNode> nodes = new ArrayList<>();
        for (String variant : names) {
            List<DynamicNode> tests = cases.stream()
                    .map(c -> (DynamicNode) DynamicTest.dynamicTest(c.id(), () -> {
                        EvaluationReport report = memoized();
                        CaseResult r = report.result(variant, c.id());
                        if (r.passed()) {
                            return;
                        }
                        String problems = String.join("\n", r.problems());
                        if (report.passed()) {
                            Assumptions.abort("The case failed, within what the gates allow:\n" + problems);
                        }
                        throw new AssertionError(problems);
                    }))
                    .toList();
            if (names.size() == 1) {
                nodes.addAll(tests);
            } else {
                nodes.add(DynamicContainer.dynamicContainer(variant, tests));
            }
        }
        nodes.add(DynamicTest.dynamicTest("gates", () -> memoized().assertGatesPass()));
        return nodes.stream();
    }

    private synchronized EvaluationReport memoized() {
        if (memo == null) {
            memo = run();
        }
        return memo;
    }
}
