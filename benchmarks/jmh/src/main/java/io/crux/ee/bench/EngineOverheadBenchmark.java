package io.crux.ee.bench;

import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowScope;
import io.crux.ee.codec.JsonbPayloadCodec;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.testkit.InlineExecutor;

/**
 * The engine's own cost per step: a flow of {@value #STEPS} no-op steps (each returns a small
 * {@code Integer}) run through {@link FlowEngine} with an {@link InMemoryFlowStore}, a same-thread
 * executor and an idle scheduler, against {@value #STEPS} direct calls of the same lambdas.
 *
 * <p>Per-step overhead = ({@code flowDurable} − {@code direct}) / {@value #STEPS}; the target is
 * under 5 µs. {@code flowNonDurable} is the same flow declared {@code durable = false}. Run
 * {@link #main} to get the overhead computed; see BENCHMARKS.md for the command.
 *
 * <p>Every {@value #RUNS_PER_STORE} runs the benchmark starts over with a fresh engine and store,
 * so that the in-memory store (which keeps every run and checkpoint) does not grow without bound
 * across an iteration; the cost of that swap is amortized over the runs and is negligible.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class EngineOverheadBenchmark {

    /** Steps per flow run. */
    public static final int STEPS = 10;

    /** The per-step overhead this benchmark checks, in nanoseconds. */
    public static final double TARGET_NS_PER_STEP = 5_000;

    static final int RUNS_PER_STORE = 1024;
    static final Integer INPUT = 7;

    /** The steps' work: ten distinct no-op lambdas, each returning a small constant. */
    @SuppressWarnings("unchecked")
    final Callable<Integer>[] steps =
            new Callable[] {() -> 1, () -> 2, () -> 3, () -> 4, () -> 5, () -> 6, () -> 7, () -> 8, () -> 9, () -> 10};

    final String[] labels = new String[STEPS];

    private PayloadCodec codec;
    private InlineExecutor executor;
    private ScheduledThreadPoolExecutor scheduler;
    private EngineUnderTest durable;
    private EngineUnderTest nonDurable;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        for (int i = 0; i < STEPS; i++) {
            labels[i] = "step-" + i;
        }
        codec = new JsonbPayloadCodec(); // built once: JsonbBuilder.create() is expensive
        executor = new InlineExecutor();
        scheduler = new ScheduledThreadPoolExecutor(1); // never used: no retries, no maintenance
        durable = new EngineUnderTest(true);
        nonDurable = new EngineUnderTest(false);
        durable.check();
        nonDurable.check();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
        executor.shutdown();
    }

    /** The baseline: the same ten lambdas, called directly. */
    @Benchmark
    public int direct() throws Exception {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            sum += steps[i].call();
        }
        return sum;
    }

    /** The flow, durable = true (checkpoints go to the in-memory store). */
    @Benchmark
    public FlowResult<Integer> flowDurable() {
        return durable.run();
    }

    /** The flow, durable = false (no store access at all). */
    @Benchmark
    public FlowResult<Integer> flowNonDurable() {
        return nonDurable.run();
    }

    /** The flow body: the same lambdas as {@link #direct()}, each as a step. */
    Object body(FlowScope<?> flow) throws Exception {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            sum += flow.step(labels[i], steps[i]);
        }
        return sum;
    }

    /** An engine, its store and a handle; replaced every {@value #RUNS_PER_STORE} runs. */
    final class EngineUnderTest {
        private final FlowModel model;
        private FlowHandle<Integer, Integer> handle;
        private InMemoryFlowStore store;
        private int runs;

        EngineUnderTest(boolean isDurable) {
            ActionModel action =
                    new ActionModel("run", Integer.class, Integer.class, EngineOverheadBenchmark.this::body);
            String name = isDurable ? "bench-durable" : "bench-transient";
            this.model = new FlowModel(name, isDurable, EngineOverheadBenchmark.class, Map.of("run", action));
            fresh();
        }

        private void fresh() {
            store = InMemoryFlowStore.keepingLiveValues(
                    java.time.Clock.systemUTC()); // the engine alone: no encoding in the store
            FlowEngine engine = FlowEngine.builder()
                    .store(store)
                    .codec(codec)
                    .executor(executor)
                    .scheduler(scheduler)
                    .build();
            engine.register(model);
            handle = engine.handle(model.name(), "run");
            runs = 0;
        }

        FlowResult<Integer> run() {
            if (++runs > RUNS_PER_STORE) {
                fresh();
                runs = 1;
            }
            return handle.run(INPUT);
        }

        /** Fails the trial if the flow does not complete with the expected output and checkpoints. */
        void check() {
            FlowResult<Integer> r = run();
            if (!(r instanceof FlowResult.Completed<Integer> done) || done.output() != 55) {
                throw new IllegalStateException(model.name() + ": unexpected result " + r);
            }
            int checkpoints = store.loadCheckpoints(r.flowId()).size();
            int expected = model.durable() ? STEPS : 0;
            if (checkpoints != expected) {
                throw new IllegalStateException(
                        model.name() + ": " + checkpoints + " checkpoints, expected " + expected);
            }
        }
    }

    /**
     * Runs the three benchmarks (JMH command-line options are accepted, e.g. {@code -f 1 -wi 3 -i 5})
     * and prints the per-step overhead against the target.
     *
     * @param args JMH options
     * @throws Exception if JMH fails
     */
    public static void main(String[] args) throws Exception {
        Options cli = new CommandLineOptions(args);
        OptionsBuilder builder = new OptionsBuilder();
        builder.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            builder.include(EngineOverheadBenchmark.class.getName() + "\\.");
        }
        Collection<RunResult> results = new Runner(builder.build()).run();
        Map<String, Result<?>> byName = new HashMap<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark();
            byName.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult());
        }
        Result<?> direct = byName.get("direct");
        if (direct == null || nanos(direct) < 0) {
            return; // not run, or not a time-per-op mode
        }
        double directNs = direct.getScore() * nanos(direct);
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-16s %12.1f ns/op (± %.1f)%n",
                "direct:",
                directNs,
                direct.getScoreError() * nanos(direct));
        for (String name : new String[] {"flowDurable", "flowNonDurable"}) {
            Result<?> flow = byName.get(name);
            if (flow == null || nanos(flow) < 0) {
                continue;
            }
            double flowNs = flow.getScore() * nanos(flow);
            double perStep = (flowNs - directNs) / STEPS;
            System.out.printf(
                    Locale.ROOT,
                    "%-16s %12.1f ns/op (± %.1f)  overhead = (%s - direct) / %d = %.3f µs/step"
                            + "  [target < %.1f µs: %s]%n",
                    name + ":",
                    flowNs,
                    flow.getScoreError() * nanos(flow),
                    name,
                    STEPS,
                    perStep / 1000.0,
                    TARGET_NS_PER_STEP / 1000.0,
                    perStep < TARGET_NS_PER_STEP ? "met" : "NOT met");
        }
    }

    /** @return nanoseconds per unit of a time-per-operation score, or -1 for another kind of score */
    private static double nanos(Result<?> r) {
        return switch (r.getScoreUnit()) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> -1;
        };
    }
}
