package io.crux.ee.telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableLongUpDownCounter;

import io.crux.ee.spi.FlowMetrics;

/**
 * The {@code crux.*} metrics of the README's "Metrics" table, recorded with OpenTelemetry's meters:
 * counters of runs, step attempts, retries, fallbacks and recoveries, histograms of run and step
 * durations (in seconds), and the runs running here, the runs suspended in the store and the
 * streams open here, observed when the server's metric reader collects.
 *
 * <p>In the server crux-ee creates it over MicroProfile Telemetry's {@code OpenTelemetry}; a test
 * creates one over an SDK meter provider with an in-memory reader and gives it to the test kit.
 * Thread-safe, as OpenTelemetry's instruments are.
 */
public final class OpenTelemetryFlowMetrics implements FlowMetrics {

    static final AttributeKey<String> FLOW_NAME = OpenTelemetryFlowTracer.FLOW_NAME;
    static final AttributeKey<String> RUN_OUTCOME = AttributeKey.stringKey("crux.run.outcome");
    static final AttributeKey<String> STEP_OUTCOME = AttributeKey.stringKey("crux.step.outcome");

    /** Step attempts take milliseconds to minutes. */
    static final List<Double> STEP_BUCKETS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0);
    /** Runs take milliseconds to days: a suspension waits for a person. */
    static final List<Double> RUN_BUCKETS =
            List.of(0.01, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0, 300.0, 3600.0, 28800.0, 86400.0, 604800.0);

    private final Meter meter;
    private final LongCounter started;
    private final LongCounter ended;
    private final DoubleHistogram runDuration;
    private final LongCounter attempts;
    private final DoubleHistogram stepDuration;
    private final LongCounter retries;
    private final LongCounter fallbacks;
    private final LongCounter takeovers;

    /**
     * @param meter the meter that creates the instruments, usually from
     *     {@code openTelemetry.getMeter(OpenTelemetryFlowTracer.SCOPE)}
     */
    public OpenTelemetryFlowMetrics(Meter meter) {
        this.meter = meter;
        started = meter.counterBuilder("crux.run.started")
                .setDescription("Runs started on this node")
                .setUnit("{run}")
                .build();
        ended = meter.counterBuilder("crux.run.ended")
                .setDescription("Runs that ended for good, by outcome")
                .setUnit("{run}")
                .build();
        runDuration = histogram(
                meter.histogramBuilder("crux.run.duration")
                        .setDescription("Time from a run's start to its end, suspensions included")
                        .setUnit("s"),
                RUN_BUCKETS);
        attempts = meter.counterBuilder("crux.step.attempts")
                .setDescription("Step attempts that ran (replayed steps are not attempted)")
                .setUnit("{attempt}")
                .build();
        stepDuration = histogram(
                meter.histogramBuilder("crux.step.duration")
                        .setDescription("Time one step attempt took")
                        .setUnit("s"),
                STEP_BUCKETS);
        retries = meter.counterBuilder("crux.step.retries")
                .setDescription("Failed step attempts that are tried again")
                .setUnit("{retry}")
                .build();
        fallbacks = meter.counterBuilder("crux.step.fallbacks")
                .setDescription("Steps that failed for good and returned their fallback")
                .setUnit("{fallback}")
                .build();
        takeovers = meter.counterBuilder("crux.lease.takeovers")
                .setDescription("Runs this node claimed after their lease ran out (recoveries)")
                .setUnit("{run}")
                .build();
    }

    /** Sets the buckets as advice, which a server whose OpenTelemetry predates 1.32 does not know. */
    static DoubleHistogram histogram(DoubleHistogramBuilder builder, List<Double> buckets) {
        try {
            builder.setExplicitBucketBoundariesAdvice(buckets);
        } catch (LinkageError older) {
            // the SDK's default buckets then apply
        }
        return builder.build();
    }

    /**
     * A flow's attributes, made once per flow: {@code Attributes.of} sorts and allocates at every
     * call, and step attempts are the hot path. Flow names are those of the registered flows, so
     * the map stays small.
     */
    private record FlowAttributes(Attributes flow, Attributes succeeded, Attributes failed) {
        FlowAttributes(String flowName) {
            this(
                    Attributes.of(FLOW_NAME, flowName),
                    Attributes.of(FLOW_NAME, flowName, STEP_OUTCOME, "succeeded"),
                    Attributes.of(FLOW_NAME, flowName, STEP_OUTCOME, "failed"));
        }
    }

    private final ConcurrentMap<String, FlowAttributes> attributes = new ConcurrentHashMap<>();

    private FlowAttributes of(String flowName) {
        FlowAttributes a = attributes.get(flowName);
        return a != null ? a : attributes.computeIfAbsent(flowName, FlowAttributes::new);
    }

    @Override
    public void runStarted(String flowName) {
        started.add(1, of(flowName).flow());
    }

    @Override
    public void runEnded(String flowName, String outcome, Duration duration) {
        Attributes attributes = Attributes.of(FLOW_NAME, flowName, RUN_OUTCOME, outcome);
        ended.add(1, attributes);
        runDuration.record(seconds(duration), attributes);
    }

    @Override
    public void stepAttempted(String flowName, boolean succeeded, Duration duration) {
        FlowAttributes flow = of(flowName);
        Attributes outcome = succeeded ? flow.succeeded() : flow.failed();
        attempts.add(1, outcome);
        stepDuration.record(seconds(duration), outcome);
    }

    @Override
    public void stepRetried(String flowName) {
        retries.add(1, of(flowName).flow());
    }

    @Override
    public void stepFellBack(String flowName) {
        fallbacks.add(1, of(flowName).flow());
    }

    @Override
    public void leaseTakenOver(String flowName) {
        takeovers.add(1, of(flowName).flow());
    }

    @Override
    public Observation observe(Gauges gauges) {
        // running runs and open streams add up over the nodes: up-down counters; every node counts
        // the same suspended runs in the shared store: a gauge, which is not summed
        ObservableLongUpDownCounter running = meter.upDownCounterBuilder("crux.runs.running")
                .setDescription("Runs executing on this node, a retry wait included")
                .setUnit("{run}")
                .buildWithCallback(m -> byFlow(m, gauges::running));
        ObservableLongGauge suspended = meter.gaugeBuilder("crux.runs.suspended")
                .setDescription("Suspended runs in the store, counted at this node's last maintenance pass")
                .setUnit("{run}")
                .ofLongs()
                .buildWithCallback(m -> byFlow(m, gauges::suspended));
        ObservableLongUpDownCounter streams = meter.upDownCounterBuilder("crux.streams.open")
                .setDescription("Request event streams open on this node")
                .setUnit("{stream}")
                .buildWithCallback(m -> m.record(gauges.openStreams()));
        return () -> {
            running.close();
            suspended.close();
            streams.close();
        };
    }

    private static void byFlow(ObservableLongMeasurement m, Supplier<Map<String, Long>> counts) {
        counts.get().forEach((flow, n) -> m.record(n, Attributes.of(FLOW_NAME, flow)));
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
