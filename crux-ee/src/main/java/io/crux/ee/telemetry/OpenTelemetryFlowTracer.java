package io.crux.ee.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import io.crux.ee.spi.FlowTracer;

/**
 * Spans {@code crux.flow <name>} per run execution and {@code crux.step <label>} per step attempt,
 * with the {@code crux.*} attributes of the README.
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

    private final Tracer tracer;

    public OpenTelemetryFlowTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Object captureContext() {
        return Context.current();
    }

    @Override
    public FlowTracer.Span startRun(Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
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
        return new OtelSpan(builder.startSpan());
    }

    @Override
    public FlowTracer.Span startStep(FlowTracer.Span run, String flowName, String flowId, String label, String stepId, int attempt) {
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

    private static final class OtelSpan implements FlowTracer.Span {
        private final io.opentelemetry.api.trace.Span span;

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
        public void fail(Throwable failure) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
        }

        @Override
        public void end() {
            span.end();
        }
    }
}
