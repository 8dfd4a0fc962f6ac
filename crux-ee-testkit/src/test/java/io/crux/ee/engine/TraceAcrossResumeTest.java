package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.telemetry.OpenTelemetryFlowTracer;
import io.crux.ee.testkit.InlineExecutor;

/**
 * A run stores the trace context of its first execution; an execution after a suspension or a
 * recovery links to it, so that a trace view leads from the one to the other.
 */
class TraceAcrossResumeTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    private final FlowTracer tracer = new OpenTelemetryFlowTracer(provider.get("test"));
    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        if (h != null) {
            h.close();
        }
        provider.close();
    }

    private List<SpanData> runSpans() {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().startsWith("crux.flow "))
                .toList();
    }

    @Test
    void theExecutionAfterASignalLinksToTheFirstExecutionWhoseContextTheRunStored() {
        h = EngineHarness.direct(FlowMetrics.NOOP, tracer);
        FlowHandle<String, String> handle = h.register(Flows.flow("claims", String.class, String.class, scope -> {
            String approver = scope.suspend("approval", String.class, Duration.ofHours(1));
            return scope.step("pay", () -> "paid by " + approver);
        }));
        String id = handle.run("c-1").flowId();
        SpanData first = runSpans().get(0);

        assertThat(h.record(id).traceParent()).isEqualTo("00-" + first.getTraceId() + "-" + first.getSpanId() + "-01");

        handle.signal(id, "approval", "ann");

        List<SpanData> runs = runSpans();
        assertThat(runs).hasSize(2);
        SpanData second = runs.get(1);
        assertThat(second.getSpanId()).isNotEqualTo(first.getSpanId());
        assertThat(second.getLinks())
                .extracting(LinkData::getSpanContext)
                .extracting(SpanContext::getTraceId, SpanContext::getSpanId)
                .containsExactly(tuple(first.getTraceId(), first.getSpanId()));
        assertThat(first.getLinks()).isEmpty();
    }

    @Test
    void theExecutionOfARecoveredRunLinksToItsFirstExecution() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        FlowModel flow = Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step("slow", () -> {
                    if (calls.incrementAndGet() == 1) {
                        stuck.countDown();
                        release.await();
                    }
                    return "done";
                }));
        h = EngineHarness.pooled("node-a", FlowMetrics.NOOP, tracer);
        h.register(flow);
        h.engine.handle("orders", "").start("x", RunOptions.defaults().withFlowId("o-1"));
        assertThat(stuck.await(10, TimeUnit.SECONDS)).isTrue();
        String stored = h.record("o-1").traceParent();
        EngineHarness b = h.sibling("node-b", new InlineExecutor(), FlowMetrics.NOOP, tracer);
        b.register(flow);
        h.clock.advance(Duration.ofSeconds(30));

        assertThat(b.engine.maintain()).isEqualTo(1);

        SpanData recovered = runSpans().get(0);
        assertThat(recovered.getLinks()).hasSize(1);
        SpanContext origin = recovered.getLinks().get(0).getSpanContext();
        assertThat(stored).isEqualTo("00-" + origin.getTraceId() + "-" + origin.getSpanId() + "-01");
        assertThat(recovered.getTraceId())
                .as("maintenance has no caller: the recovered execution starts a trace of its own")
                .isNotEqualTo(origin.getTraceId());
        release.countDown();
    }

    @Test
    void anUntracedRunStoresNoContext() {
        h = EngineHarness.direct(FlowMetrics.NOOP, FlowTracer.NOOP);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "claims", String.class, String.class, scope -> scope.suspend("approval", String.class, null)));

        String id = handle.run("c-1").flowId();

        assertThat(h.record(id).traceParent()).isNull();
    }

    @Test
    void aRunLeftForRecoveryWhenTheEngineClosesDuringItsRetryWaitEndsItsSpan() {
        // before the fix: the span stayed open, never exported, while the run stored its traceparent
        h = EngineHarness.direct(FlowMetrics.NOOP, tracer);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "orders",
                String.class,
                String.class,
                scope -> scope.step(
                        "later",
                        () -> {
                            throw new IllegalStateException("not yet");
                        },
                        StepOptions.<String>retry(2, Duration.ofMinutes(1), Backoff.LINEAR))));
        String id = handle.start("x");
        assertThat(runSpans()).isEmpty();

        h.engine.close();

        assertThat(h.record(id).status()).isEqualTo(FlowStatus.RUNNING);
        List<SpanData> runs = runSpans();
        assertThat(runs).hasSize(1);
        assertThat(h.record(id).traceParent())
                .isEqualTo("00-" + runs.get(0).getTraceId() + "-" + runs.get(0).getSpanId() + "-01");
        assertThat(runs.get(0).getAttributes().get(AttributeKey.stringKey("crux.flow.outcome")))
                .isEqualTo("left-for-recovery");
    }

    @Test
    void aTraceParentThatIsNotOneIsNotStoredAndTheRunStarts() {
        // before the fix: stored as given; 129 characters and more made every durable start fail on a database
        FlowTracer odd = new FlowTracer() {
            @Override
            public Object captureContext() {
                return null;
            }

            @Override
            public Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt) {
                return Span.NOOP;
            }

            @Override
            public Span startRun(
                    Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
                return Span.NOOP;
            }

            @Override
            public String traceParent(Span span) {
                return "x".repeat(200);
            }
        };
        h = EngineHarness.direct(FlowMetrics.NOOP, odd);
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "claims", String.class, String.class, scope -> scope.suspend("approval", String.class, null)));

        String id = handle.run("c-1").flowId();

        assertThat(h.record(id).traceParent()).isNull();
        assertThat(Execution.storable("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(Execution.storable("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"))
                .isNull();
    }
}
