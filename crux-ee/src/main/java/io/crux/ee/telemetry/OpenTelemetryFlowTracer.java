package io.crux.ee.telemetry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowTracer;

/**
 * Spans {@code crux.flow <name>} per run execution and {@code crux.step <label>} per step attempt,
 * with the {@code crux.*} attributes of the README; a generator's model calls ({@code chat <model>})
 * and tool executions ({@code execute_tool <name>}) with the {@code gen_ai.*} attributes of the
 * OpenTelemetry GenAI semantic conventions.
 *
 * <p>In the server crux-ee creates it over MicroProfile Telemetry's {@code OpenTelemetry}; a test
 * creates one over an in-memory exporter's tracer and gives it to the test kit. Thread-safe, as
 * OpenTelemetry's tracers and spans are.
 */
public final class OpenTelemetryFlowTracer implements FlowTracer {

    /** Instrumentation scope name of crux-ee's spans. */
    public static final String SCOPE = "io.crux.ee";

    static final AttributeKey<String> FLOW_ID = AttributeKey.stringKey("crux.flow.id");
    static final AttributeKey<String> FLOW_NAME = AttributeKey.stringKey("crux.flow.name");
    static final AttributeKey<String> PARENT_ID = AttributeKey.stringKey("crux.flow.parent_id");
    static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("crux.session.id");
    static final AttributeKey<String> STEP_ID = AttributeKey.stringKey("crux.step.id");
    static final AttributeKey<String> STEP_LABEL = AttributeKey.stringKey("crux.step.label");
    static final AttributeKey<Long> STEP_ATTEMPT = AttributeKey.longKey("crux.step.attempt");

    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    /** The name of {@code gen_ai.provider.name} before semantic conventions 1.37; still read by many back ends. */
    static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");

    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> GEN_AI_TOOL_CALL_ID = AttributeKey.stringKey("gen_ai.tool.call.id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    static final AttributeKey<String> GEN_AI_TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");

    /** The buckets the GenAI semantic conventions advise for {@code gen_ai.client.token.usage}. */
    static final List<Long> TOKEN_BUCKETS = List.of(
            1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L, 67108864L);
    /** The buckets the GenAI semantic conventions advise for {@code gen_ai.client.operation.duration}. */
    static final List<Double> OPERATION_BUCKETS =
            List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

    private static final Logger LOG = Logger.getLogger(OpenTelemetryFlowTracer.class.getName());

    private final Tracer tracer;
    /** The metrics whose recording failed and was logged (once each). */
    private final Set<String> failedMetrics = ConcurrentHashMap.newKeySet();

    private final LongHistogram tokenUsage;
    private final DoubleHistogram operationDuration;

    /**
     * A tracer that records spans only.
     *
     * @param tracer the tracer that creates the spans, usually from
     *     {@code openTelemetry.getTracer(OpenTelemetryFlowTracer.SCOPE)}
     */
    public OpenTelemetryFlowTracer(Tracer tracer) {
        this(tracer, MeterProvider.noop().get(SCOPE));
    }

    /**
     * A tracer that also records the GenAI client metrics of model calls,
     * {@code gen_ai.client.token.usage} and {@code gen_ai.client.operation.duration}.
     *
     * @param tracer the tracer that creates the spans
     * @param meter the meter of the model calls' metrics, usually from
     *     {@code openTelemetry.getMeter(OpenTelemetryFlowTracer.SCOPE)}
     */
    public OpenTelemetryFlowTracer(Tracer tracer, Meter meter) {
        this.tracer = tracer;
        LongHistogramBuilder tokens = meter.histogramBuilder("gen_ai.client.token.usage")
                .setDescription("Number of input and output tokens used")
                .setUnit("{token}")
                .ofLongs();
        try {
            tokens.setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS);
        } catch (LinkageError older) {
            // a server whose OpenTelemetry predates 1.32: the SDK's default buckets apply
        }
        this.tokenUsage = tokens.build();
        this.operationDuration = OpenTelemetryFlowMetrics.histogram(
                meter.histogramBuilder("gen_ai.client.operation.duration")
                        .setDescription("GenAI operation duration")
                        .setUnit("s"),
                OPERATION_BUCKETS);
    }

    @Override
    public Object captureContext() {
        return Context.current();
    }

    @Override
    public FlowTracer.Span startRun(
            Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
        return startRun(parentContext, flowName, flowId, parentFlowId, sessionId, null);
    }

    @Override
    public FlowTracer.Span startRun(
            Object parentContext,
            String flowName,
            String flowId,
            String parentFlowId,
            String sessionId,
            String origin) {
        Context parent = parentContext instanceof Context c ? c : Context.current();
        var builder = tracer.spanBuilder("crux.flow " + flowName)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(FLOW_ID, flowId)
                .setAttribute(FLOW_NAME, flowName);
        if (parentFlowId != null) {
            builder.setAttribute(PARENT_ID, parentFlowId);
        }
        if (sessionId != null) {
            builder.setAttribute(SESSION_ID, sessionId);
        }
        SpanContext first = origin == null ? SpanContext.getInvalid() : spanContextOf(origin);
        if (first.isValid()) {
            builder.addLink(first);
        }
        return new OtelSpan(builder.startSpan());
    }

    @Override
    public String traceParent(FlowTracer.Span span) {
        if (!(span instanceof OtelSpan s) || !s.span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(s.span), carrier, Map::put);
        return carrier.get("traceparent");
    }

    /** @return the span context a stored traceparent names, or an invalid one */
    static SpanContext spanContextOf(String traceParent) {
        Context extracted = W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of("traceparent", traceParent), MAP_GETTER);
        return io.opentelemetry.api.trace.Span.fromContext(extracted).getSpanContext();
    }

    private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    @Override
    public FlowTracer.Span startStep(
            FlowTracer.Span run, String flowName, String flowId, String label, String stepId, int attempt) {
        Context parent = run instanceof OtelSpan s ? Context.current().with(s.span) : Context.current();
        io.opentelemetry.api.trace.Span span = tracer.spanBuilder("crux.step " + label)
                .setParent(parent)
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(FLOW_ID, flowId)
                .setAttribute(FLOW_NAME, flowName)
                .setAttribute(STEP_ID, stepId)
                .setAttribute(STEP_LABEL, label)
                .setAttribute(STEP_ATTEMPT, (long) attempt)
                .startSpan();
        return new OtelSpan(span);
    }

    @Override
    public FlowTracer.GenerationSpan startGeneration(GenerationRequest request) {
        var builder = tracer.spanBuilder(request.operation() + " " + request.model())
                .setParent(Context.current())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GEN_AI_OPERATION, request.operation())
                .setAttribute(GEN_AI_PROVIDER, request.provider())
                .setAttribute(GEN_AI_SYSTEM, request.provider())
                .setAttribute(GEN_AI_REQUEST_MODEL, request.model());
        if (request.temperature() != null) {
            builder.setAttribute(GEN_AI_REQUEST_TEMPERATURE, request.temperature());
        }
        if (request.maxOutputTokens() != null) {
            builder.setAttribute(
                    GEN_AI_REQUEST_MAX_TOKENS, request.maxOutputTokens().longValue());
        }
        return new GenerationOtelSpan(builder.startSpan(), request);
    }

    @Override
    public FlowTracer.Span startToolExecution(String toolName, String callId) {
        var builder = tracer.spanBuilder("execute_tool " + toolName)
                .setParent(Context.current())
                .setSpanKind(SpanKind.INTERNAL)
                .setAttribute(GEN_AI_OPERATION, "execute_tool")
                .setAttribute(GEN_AI_TOOL_NAME, toolName);
        if (callId != null) {
            builder.setAttribute(GEN_AI_TOOL_CALL_ID, callId);
        }
        return new OtelSpan(builder.startSpan());
    }

    private static class OtelSpan implements FlowTracer.GenerationSpan {
        final io.opentelemetry.api.trace.Span span;

        OtelSpan(io.opentelemetry.api.trace.Span span) {
            this.span = span;
        }

        @Override
        public AutoCloseable makeCurrent() {
            Scope scope = span.makeCurrent();
            return scope::close;
        }

        @Override
        public void setAttribute(String key, String value) {
            span.setAttribute(key, value);
        }

        @Override
        public void response(GenerationResponse response) {
            if (response.id() != null) {
                span.setAttribute(GEN_AI_RESPONSE_ID, response.id());
            }
            if (response.model() != null) {
                span.setAttribute(GEN_AI_RESPONSE_MODEL, response.model());
            }
            if (response.inputTokens() != null) {
                span.setAttribute(GEN_AI_INPUT_TOKENS, response.inputTokens().longValue());
            }
            if (response.outputTokens() != null) {
                span.setAttribute(GEN_AI_OUTPUT_TOKENS, response.outputTokens().longValue());
            }
            if (response.finishReason() != null) {
                span.setAttribute(GEN_AI_FINISH_REASONS, List.of(response.finishReason()));
            }
        }

        @Override
        public void fail(Throwable failure) {
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }

        @Override
        public void end() {
            span.end();
        }
    }

    private void metricFailed(String metric, Throwable e) {
        if (failedMetrics.add(metric)) {
            LOG.log(Level.WARNING, Messages.metricsFailed(metric, e), e);
        }
    }

    /**
     * A model call's span, which also records the GenAI client metrics: the tokens of its response
     * and, when it ends, its duration.
     */
    private final class GenerationOtelSpan extends OtelSpan {
        private final long began = System.nanoTime();
        private final GenerationRequest request;
        private volatile String responseModel;
        private volatile String errorType;

        GenerationOtelSpan(io.opentelemetry.api.trace.Span span, GenerationRequest request) {
            super(span);
            this.request = request;
        }

        @Override
        public void response(GenerationResponse response) {
            super.response(response);
            responseModel = response.model();
            // the caller takes a throw here for the model call's failure: a metric must not throw
            try {
                if (response.inputTokens() != null) {
                    tokenUsage.record(response.inputTokens(), attributes("input"));
                }
                if (response.outputTokens() != null) {
                    tokenUsage.record(response.outputTokens(), attributes("output"));
                }
            } catch (RuntimeException | LinkageError e) {
                metricFailed("gen_ai.client.token.usage", e);
            }
        }

        @Override
        public void fail(Throwable failure) {
            super.fail(failure);
            errorType = failure.getClass().getName();
        }

        @Override
        public void end() {
            super.end();
            try {
                operationDuration.record(
                        OpenTelemetryFlowMetrics.seconds(Duration.ofNanos(System.nanoTime() - began)),
                        attributes(null));
            } catch (RuntimeException | LinkageError e) {
                metricFailed("gen_ai.client.operation.duration", e);
            }
        }

        /** The attributes the GenAI conventions give both metrics; a token type for the token usage. */
        private Attributes attributes(String tokenType) {
            AttributesBuilder b = Attributes.builder()
                    .put(GEN_AI_OPERATION, request.operation())
                    .put(GEN_AI_PROVIDER, request.provider())
                    .put(GEN_AI_REQUEST_MODEL, request.model());
            if (responseModel != null) {
                b.put(GEN_AI_RESPONSE_MODEL, responseModel);
            }
            if (tokenType != null) {
                b.put(GEN_AI_TOKEN_TYPE, tokenType);
            } else if (errorType != null) {
                b.put(ERROR_TYPE, errorType);
            }
            return b.build();
        }
    }
}
