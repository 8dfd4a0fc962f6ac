package io.crux.ee.bench.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Section 7's method, shared by the in-server benchmark ({@link ConcurrentBenchmark}) and the DBOS one
 * ({@code benchmarks/dbos}), so that both measure alike: C callers run a durable phase and a bare-insert
 * phase alternately (A B B A A B ...), W warm-up rounds then R measured ones, and the two kinds of phase
 * are reported side by side with their ratios and the target.
 *
 * <p>Per phase it counts the operations, the wall time, the JVM's CPU time (everything in the process)
 * and the whole machine's busy CPU time from {@code /proc/stat} (the database's work as well, when it
 * runs on the same machine). Times in the report are in µs.
 */
public final class AlternatingPhases {

    /** One client at 1 caller: a mean durable step at most this many times a mean bare insert + commit. */
    public static final double TARGET_RATIO_ONE_CLIENT = 1.2;

    /** Several callers: durable steps/s at least this share of bare inserts/s. */
    public static final double TARGET_THROUGHPUT_RATIO = 0.8;

    private AlternatingPhases() {}

    /** The work of one caller in a phase: {@code n} calls, their latencies added to the phase. */
    public interface Work {
        void run(int n, Phase phase) throws Exception;
    }

    /**
     * What one call measures, the head of its report.
     *
     * @param benchmark what is compared with what
     * @param via how the durable phase's callers start their runs
     * @param clients the callers per phase
     * @param flows the runs per durable phase
     * @param steps the steps per run
     * @param rounds the measured rounds
     * @param warmup the warm-up rounds
     * @param payloadBytes the size of each step's value and each insert's, as JSON
     */
    public record Setup(
            String benchmark, String via, int clients, int flows, int steps, int rounds, int warmup, int payloadBytes) {

        Map<String, Object> head() {
            return ordered(
                    "benchmark", benchmark,
                    "via", via,
                    "clients", clients,
                    "flowsPerPhase", flows,
                    "stepsPerFlow", steps,
                    "rounds", rounds,
                    "warmupRounds", warmup,
                    "payloadBytes", payloadBytes);
        }
    }

    /**
     * A kind of phase: what runs it (a runner that starts by dropping any latencies left over), and
     * where the per-operation latencies (ns) of the phase it just ran are.
     */
    public record Side(PhaseRunner runner, Function<Phase, long[]> opLatencies) {}

    /** Runs one phase of a kind. */
    public interface PhaseRunner {
        Phase run() throws Exception;
    }

    /** One phase: operations done, wall and CPU time, and the callers' own latencies (per call). */
    public static final class Phase {
        long ops;
        long wallNs;
        long processCpuNs;
        long callerCpuNs;
        /** CPU time of the whole machine (every process, PostgreSQL's too), busy and in all, from /proc/stat. */
        long machineBusyNs;

        long machineAllNs;
        final Latencies callLatencies = new Latencies();

        /** Adds the first {@code n} of a caller's call latencies (ns). */
        public void addCallLatencies(long[] ns, int n) {
            callLatencies.add(ns, n);
        }

        /** @return the call latencies added so far, sorted, and starts over */
        public long[] takeCallLatencies() {
            return callLatencies.take();
        }
    }

    /** What the measured phases of one kind added up to. */
    public static final class Totals {
        long ops;
        long wallNs;
        long processCpuNs;
        long callerCpuNs;
        long machineBusyNs;
        long machineAllNs;
        final List<Double> roundOpsPerSecond = new ArrayList<>();
        final List<Double> roundMeanLatencyNs = new ArrayList<>();
        final List<long[]> latencies = new ArrayList<>();
        final List<long[]> callLatencies = new ArrayList<>();

        void add(Phase p, long[] opLatencies) {
            ops += p.ops;
            wallNs += p.wallNs;
            processCpuNs += p.processCpuNs;
            callerCpuNs += p.callerCpuNs;
            machineBusyNs += p.machineBusyNs;
            machineAllNs += p.machineAllNs;
            roundOpsPerSecond.add(p.ops * 1e9 / p.wallNs);
            latencies.add(opLatencies);
            roundMeanLatencyNs.add(Arrays.stream(opLatencies).average().orElse(0));
            callLatencies.add(p.callLatencies.take());
        }
    }

    /**
     * Runs {@code warmup} rounds and then {@code rounds} measured ones of the two kinds of phase, durable
     * first in even rounds and bare first in odd ones.
     *
     * @return the measured totals: durable at index 0, bare at index 1
     */
    public static Totals[] alternate(int warmup, int rounds, Side durable, Side bare) throws Exception {
        Totals[] totals = {new Totals(), new Totals()};
        Side[] sides = {durable, bare};
        for (int r = -warmup; r < rounds; r++) {
            int first = Math.floorMod(r, 2);
            for (int half = 0; half < 2; half++) {
                int kind = half == 0 ? first : 1 - first;
                Phase p = sides[kind].runner().run();
                long[] lat = sides[kind].opLatencies().apply(p);
                if (r >= 0) {
                    totals[kind].add(p, lat);
                }
            }
        }
        return totals;
    }

    /**
     * A bare phase: {@code inserts} {@link BareInsert}s with commit of {@code json} spread over {@code
     * clients} callers, each insert a call.
     */
    public static Phase barePhase(ExecutorService callers, int clients, int inserts, DataSource dataSource, String json)
            throws Exception {
        return phase(callers, clients, inserts, 1, (n, p) -> {
            String prefix = UUID.randomUUID() + ":";
            long[] ns = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                BareInsert.insert(dataSource, prefix + i, json, false);
                ns[i] = System.nanoTime() - t0;
            }
            p.addCallLatencies(ns, n);
        });
    }

    /**
     * Runs {@code calls} calls of {@code work} spread over {@code clients} callers, all released at once;
     * each call is {@code opsPerCall} operations.
     */
    public static Phase phase(ExecutorService callers, int clients, int calls, int opsPerCall, Work work)
            throws Exception {
        Phase p = new Phase();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        long[] callerCpu = new long[clients];
        List<Future<?>> futures = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            int n = calls / clients + (c < calls % clients ? 1 : 0);
            futures.add(callers.submit(() -> {
                ready.countDown();
                go.await();
                long cpu0 = Meter.cpuNow();
                work.run(n, p);
                callerCpu[client] = Meter.cpuNow() - cpu0;
                return null;
            }));
        }
        ready.await();
        long cpu0 = processCpuNs();
        long[] machine0 = machineCpuNs();
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        p.wallNs = System.nanoTime() - t0;
        p.processCpuNs = processCpuNs() - cpu0;
        long[] machine1 = machineCpuNs();
        p.machineBusyNs = machine1[0] - machine0[0];
        p.machineAllNs = machine1[1] - machine0[1];
        p.callerCpuNs = Arrays.stream(callerCpu).sum();
        p.ops = (long) calls * opsPerCall;
        return p;
    }

    /**
     * The report of one call: what was run, then the durable and the bare figures, their ratios, the
     * target for this many clients and {@code notes}.
     */
    public static Map<String, Object> report(Setup setup, Totals durable, Totals bare, String notes, long started) {
        int clients = setup.clients();
        int rounds = setup.rounds();
        long[] stepLat = merge(durable.latencies);
        long[] runLat = merge(durable.callLatencies);
        long[] bareLat = merge(bare.latencies);
        double stepsPerSecond = durable.ops * 1e9 / durable.wallNs;
        double barePerSecond = bare.ops * 1e9 / bare.wallNs;
        double stepMeanUs = Arrays.stream(stepLat).average().orElse(0) / 1000.0;
        double bareMeanUs = Arrays.stream(bareLat).average().orElse(0) / 1000.0;
        double throughputRatio = stepsPerSecond / barePerSecond;
        double[] roundRatios = new double[rounds];
        double[] roundLatencyRatios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            roundRatios[r] = durable.roundOpsPerSecond.get(r) / bare.roundOpsPerSecond.get(r);
            roundLatencyRatios[r] = durable.roundMeanLatencyNs.get(r) / bare.roundMeanLatencyNs.get(r);
        }
        double p50Ratio = Latencies.quantileUs(stepLat, 0.5) / Latencies.quantileUs(bareLat, 0.5);

        Map<String, Object> out = setup.head();
        out.put("at", LocalDateTime.now().withNano(0).toString());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        out.put(
                "durable",
                ordered(
                        "steps", durable.ops,
                        "stepsPerSecond", round(stepsPerSecond),
                        "stepsPerSecondMedianOfRounds", round(median(durable.roundOpsPerSecond)),
                        "stepUsP50", round(Latencies.quantileUs(stepLat, 0.5)),
                        "stepUsP99", round(Latencies.quantileUs(stepLat, 0.99)),
                        "stepUsMean", round(stepMeanUs),
                        "runUsP50", round(Latencies.quantileUs(runLat, 0.5)),
                        "runUsP99", round(Latencies.quantileUs(runLat, 0.99)),
                        "processCpuUsPerStep", round(durable.processCpuNs / 1000.0 / durable.ops),
                        "callerThreadsCpuUsPerStep", round(durable.callerCpuNs / 1000.0 / durable.ops),
                        "machineCpuUsPerStep", round(durable.machineBusyNs / 1000.0 / durable.ops),
                        "machineBusy",
                                durable.machineAllNs == 0
                                        ? 0
                                        : round((double) durable.machineBusyNs / durable.machineAllNs)));
        out.put(
                "bare",
                ordered(
                        "inserts", bare.ops,
                        "insertsPerSecond", round(barePerSecond),
                        "insertsPerSecondMedianOfRounds", round(median(bare.roundOpsPerSecond)),
                        "insertUsP50", round(Latencies.quantileUs(bareLat, 0.5)),
                        "insertUsP99", round(Latencies.quantileUs(bareLat, 0.99)),
                        "insertUsMean", round(bareMeanUs),
                        "processCpuUsPerInsert", round(bare.processCpuNs / 1000.0 / bare.ops),
                        "machineCpuUsPerInsert", round(bare.machineBusyNs / 1000.0 / bare.ops),
                        "machineBusy",
                                bare.machineAllNs == 0 ? 0 : round((double) bare.machineBusyNs / bare.machineAllNs)));
        out.put(
                "ratios",
                ordered(
                        "throughputDurableOverBare", round(throughputRatio),
                        "throughputMedianOfRounds", round(median(roundRatios)),
                        "stepMeanOverInsertMean", round(stepMeanUs / bareMeanUs),
                        "stepMeanOverInsertMeanMedianOfRounds", round(median(roundLatencyRatios)),
                        "stepP50OverInsertP50", round(p50Ratio),
                        "bareOverDurableThroughput", round(1 / throughputRatio),
                        "processCpuDurableStepOverInsert",
                                round((double) durable.processCpuNs
                                        / durable.ops
                                        / ((double) bare.processCpuNs / bare.ops))));
        if (clients == 1) {
            out.put(
                    "target",
                    ordered(
                            "rule",
                            "one client: mean durable step <= " + TARGET_RATIO_ONE_CLIENT + "x mean bare insert+commit",
                            "met",
                            stepMeanUs / bareMeanUs <= TARGET_RATIO_ONE_CLIENT));
        } else {
            out.put(
                    "target",
                    ordered(
                            "rule",
                            clients + " clients: durable steps/s >= " + TARGET_THROUGHPUT_RATIO + "x bare inserts/s",
                            "met",
                            throughputRatio >= TARGET_THROUGHPUT_RATIO));
        }
        out.put("notes", notes);
        out.put("elapsedSeconds", round((System.nanoTime() - started) / 1e9));
        return out;
    }

    /** @return the JVM's CPU time so far; 0 where the server hides the JDK's extension of the MXBean (WildFly's modules) */
    static long processCpuNs() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getProcessCpuTime();
            }
        } catch (LinkageError hidden) {
            // falls through to 0
        }
        return 0L;
    }

    /**
     * @return the machine's busy and total CPU time so far, from the first line of /proc/stat (every
     *     CPU, every process: PostgreSQL's work beside the server's); zeros where there is none
     */
    static long[] machineCpuNs() {
        try {
            String[] f = Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                    .get(0)
                    .trim()
                    .split("\\s+");
            long all = 0;
            for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                all += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long nsPerTick = 10_000_000L; // USER_HZ is 100 on Linux
            return new long[] {(all - idle) * nsPerTick, all * nsPerTick};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** @return a map in the order given, from alternating keys and values */
    public static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
