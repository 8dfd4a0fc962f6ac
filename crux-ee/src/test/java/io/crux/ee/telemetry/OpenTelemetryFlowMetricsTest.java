package io.crux.ee.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;

/** The metrics of the README's table: their names, kinds, units and attributes. */
class OpenTelemetryFlowMetricsTest {

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider meters =
            SdkMeterProvider.builder().registerMetricReader(reader).build();

    @AfterEach
    void tearDown() {
        meters.close();
    }

    private MetricData metric(Collection<MetricData> all, String name) {
        return all.stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in "
                        + all.stream().map(MetricData::getName).toList()));
    }

    private static long sum(MetricData m, Attributes attributes) {
        return m.getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue)
                .sum();
    }

    private static HistogramPointData histogram(MetricData m, Attributes attributes) {
        return m.getHistogramData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes))
                .findFirst()
                .orElseThrow(() -> new AssertionError(m.getName() + " has no point for " + attributes));
    }

    @Test
    void countersAndHistogramsCarryTheFlowAndTheOutcome() {
        FlowMetrics metrics = new OpenTelemetryFlowMetrics(meters.get(OpenTelemetryFlowTracer.SCOPE));
        metrics.runStarted("claims");
        metrics.runStarted("claims");
        metrics.stepAttempted("claims", false, Duration.ofMillis(20));
        metrics.stepRetried("claims");
        metrics.stepAttempted("claims", true, Duration.ofMillis(30));
        metrics.stepFellBack("claims");
        metrics.leaseTakenOver("claims");
        metrics.runEnded("claims", FlowMetrics.COMPLETED, Duration.ofSeconds(90));

        Collection<MetricData> all = reader.collectAllMetrics();

        Attributes flow = Attributes.of(AttributeKey.stringKey("crux.flow.name"), "claims");
        Attributes completed =
                flow.toBuilder().put("crux.run.outcome", "completed").build();
        assertThat(sum(metric(all, "crux.run.started"), flow)).isEqualTo(2);
        assertThat(sum(metric(all, "crux.run.ended"), completed)).isEqualTo(1);
        assertThat(sum(metric(all, "crux.step.retries"), flow)).isEqualTo(1);
        assertThat(sum(metric(all, "crux.step.fallbacks"), flow)).isEqualTo(1);
        assertThat(sum(metric(all, "crux.lease.takeovers"), flow)).isEqualTo(1);
        MetricData attempts = metric(all, "crux.step.attempts");
        assertThat(attempts.getUnit()).isEqualTo("{attempt}");
        assertThat(sum(
                        attempts,
                        flow.toBuilder().put("crux.step.outcome", "failed").build()))
                .isEqualTo(1);
        assertThat(sum(
                        attempts,
                        flow.toBuilder().put("crux.step.outcome", "succeeded").build()))
                .isEqualTo(1);

        MetricData runDuration = metric(all, "crux.run.duration");
        assertThat(runDuration.getUnit()).isEqualTo("s");
        HistogramPointData run = histogram(runDuration, completed);
        assertThat(run.getSum()).isEqualTo(90.0);
        assertThat(run.getBoundaries()).isEqualTo(OpenTelemetryFlowMetrics.RUN_BUCKETS);
        HistogramPointData step = histogram(
                metric(all, "crux.step.duration"),
                flow.toBuilder().put("crux.step.outcome", "succeeded").build());
        assertThat(step.getSum()).isEqualTo(0.03);
        assertThat(step.getBoundaries()).isEqualTo(OpenTelemetryFlowMetrics.STEP_BUCKETS);
    }

    @Test
    void gaugesReadTheEngineWhenCollected() {
        FlowMetrics metrics = new OpenTelemetryFlowMetrics(meters.get(OpenTelemetryFlowTracer.SCOPE));
        long[] streams = {3};
        FlowMetrics.Observation observation = metrics.observe(new FlowMetrics.Gauges() {
            @Override
            public Map<String, Long> running() {
                return Map.of("claims", 2L, "chat", 0L);
            }

            @Override
            public Map<String, Long> suspended() {
                return Map.of("claims", 5L);
            }

            @Override
            public long openStreams() {
                return streams[0];
            }
        });

        Collection<MetricData> all = reader.collectAllMetrics();
        Attributes claims = Attributes.of(AttributeKey.stringKey("crux.flow.name"), "claims");
        MetricData running = metric(all, "crux.runs.running");
        assertThat(running.getType()).isEqualTo(MetricDataType.LONG_SUM);
        assertThat(running.getLongSumData().isMonotonic()).isFalse();
        assertThat(sum(running, claims)).isEqualTo(2);
        MetricData suspended = metric(all, "crux.runs.suspended");
        assertThat(suspended.getType()).isEqualTo(MetricDataType.LONG_GAUGE);
        assertThat(suspended.getLongGaugeData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getAttributes()).isEqualTo(claims);
            assertThat(p.getValue()).isEqualTo(5);
        });
        assertThat(sum(metric(all, "crux.streams.open"), Attributes.empty())).isEqualTo(3);

        streams[0] = 1;
        assertThat(sum(metric(reader.collectAllMetrics(), "crux.streams.open"), Attributes.empty()))
                .isEqualTo(1);

        observation.close();
        assertThat(reader.collectAllMetrics())
                .extracting(MetricData::getName)
                .doesNotContain("crux.runs.running", "crux.runs.suspended", "crux.streams.open");
    }

    @Test
    void aModelCallRecordsTheGenAiClientMetrics() {
        try (SdkTracerProvider traces = SdkTracerProvider.builder().build()) {
            FlowTracer tracer =
                    new OpenTelemetryFlowTracer(traces.get("test"), meters.get(OpenTelemetryFlowTracer.SCOPE));
            FlowTracer.GenerationSpan span = tracer.startGeneration(
                    new FlowTracer.GenerationRequest("chat", "openai", "gpt-4o-mini", null, null));
            span.response(new FlowTracer.GenerationResponse("r-1", "gpt-4o-mini-2024", 120, 30, "stop"));
            span.end();
            FlowTracer.GenerationSpan failed = tracer.startGeneration(
                    new FlowTracer.GenerationRequest("chat", "openai", "gpt-4o-mini", null, null));
            failed.fail(new IllegalStateException("timeout"));
            failed.end();
        }

        Collection<MetricData> all = reader.collectAllMetrics();
        Attributes call = Attributes.builder()
                .put("gen_ai.operation.name", "chat")
                .put("gen_ai.provider.name", "openai")
                .put("gen_ai.request.model", "gpt-4o-mini")
                .put("gen_ai.response.model", "gpt-4o-mini-2024")
                .build();
        MetricData tokens = metric(all, "gen_ai.client.token.usage");
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        assertThat(histogram(
                                tokens,
                                call.toBuilder()
                                        .put("gen_ai.token.type", "input")
                                        .build())
                        .getSum())
                .isEqualTo(120.0);
        assertThat(histogram(
                                tokens,
                                call.toBuilder()
                                        .put("gen_ai.token.type", "output")
                                        .build())
                        .getSum())
                .isEqualTo(30.0);
        MetricData duration = metric(all, "gen_ai.client.operation.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(histogram(duration, call).getCount()).isEqualTo(1);
        assertThat(histogram(
                                duration,
                                Attributes.builder()
                                        .put("gen_ai.operation.name", "chat")
                                        .put("gen_ai.provider.name", "openai")
                                        .put("gen_ai.request.model", "gpt-4o-mini")
                                        .put("error.type", IllegalStateException.class.getName())
                                        .build())
                        .getCount())
                .isEqualTo(1);
        assertThat(histogram(duration, call).getBoundaries()).isEqualTo(OpenTelemetryFlowTracer.OPERATION_BUCKETS);
    }

    /**
     * A meter whose instruments throw when they record (a broken or mismatched SDK): every other
     * call hands back another such object of the type asked for.
     */
    private static Object throwingOnRecord(Class<?> type) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("record")) {
                throw new IllegalStateException("meter down");
            }
            Class<?> returned = method.getReturnType();
            return returned.isInterface() ? throwingOnRecord(returned) : null;
        });
    }

    @Test
    void aModelCallWhoseMetricsFailIsNotMadeToFail() {
        // before the fix: the token usage's throw reached the caller, which reported the call as failed
        SdkTracerProvider traces = SdkTracerProvider.builder().build();
        FlowTracer tracer = new OpenTelemetryFlowTracer(traces.get("test"), (Meter) throwingOnRecord(Meter.class));

        FlowTracer.GenerationSpan span =
                tracer.startGeneration(new FlowTracer.GenerationRequest("chat", "openai", "gpt-4o", null, null));
        span.response(new FlowTracer.GenerationResponse("r-1", "gpt-4o", 10, 5, "stop"));
        span.end();
        traces.close();
    }
}
