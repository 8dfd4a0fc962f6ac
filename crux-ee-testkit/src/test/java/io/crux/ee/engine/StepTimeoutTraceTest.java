package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.StepOptions;
import io.crux.ee.telemetry.OpenTelemetryFlowTracer;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/**
 * A step with a timeout runs its attempt under a deadline; spans opened in it (a generator's model
 * calls, its tool calls) are children of the attempt's span, in the run's trace.
 */
class StepTimeoutTraceTest {

    @Test
    void spansOpenedInATimedStepAreChildrenOfItsAttempt() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        ExecutorService executor = Executors.newCachedThreadPool();
        TestClock clock = new TestClock(FlowTest.START);
        List<SpanData> spans;
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
            OpenTelemetryFlowTracer tracer = new OpenTelemetryFlowTracer(provider.get("test"));
            try (FlowEngine engine = FlowEngine.builder()
                    .store(new InMemoryFlowStore(clock))
                    .executor(executor)
                    .scheduler(new ManualScheduler(clock))
                    .clock(clock)
                    .tracer(tracer)
                    .settings(EngineSettings.of("node-1"))
                    .build()) {
                engine.register(Flows.flow(
                        "timed",
                        String.class,
                        String.class,
                        scope -> scope.step(
                                "call",
                                () -> {
                                    tracer.startToolExecution("lookup", "call-1")
                                            .end();
                                    return "done";
                                },
                                StepOptions.<String>defaults().withTimeout(Duration.ofSeconds(30)))));
                FlowHandle<String, String> handle = engine.handle("timed", "");

                handle.run("x");
            }
            spans = exporter.getFinishedSpanItems(); // closing the provider empties the exporter
        } finally {
            executor.shutdownNow();
        }

        SpanData step = spans.stream()
                .filter(s -> s.getName().equals("crux.step call"))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(spans.stream().map(SpanData::getName).toList()));
        SpanData tool = spans.stream()
                .filter(s -> s.getName().equals("execute_tool lookup"))
                .findFirst()
                .orElseThrow();
        assertThat(tool.getParentSpanId()).isEqualTo(step.getSpanId());
        assertThat(tool.getTraceId()).isEqualTo(step.getTraceId());
    }
}
