package io.crux.ee.spi;

/**
 * Opens spans for runs and step attempts. The default implementation uses the server's
 * OpenTelemetry (MicroProfile Telemetry) when it is present; {@link #NOOP} otherwise.
 *
 * <p>The engine calls one tracer from every run's threads at once, so implementations are
 * thread-safe. Every method but {@link #captureContext}, {@link #startRun} and {@link #startStep}
 * has a default that records nothing.
 */
public interface FlowTracer {

    /** A tracer that records nothing. */
    FlowTracer NOOP = new FlowTracer() {
        @Override
        public Object captureContext() {
            return null;
        }

        @Override
        public Span startRun(
                Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
            return Span.NOOP;
        }

        @Override
        public Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt) {
            return Span.NOOP;
        }
    };

    /**
     * Captures the caller's tracing context, so that a run started on another thread becomes its
     * child.
     *
     * @return an opaque context, or {@code null}
     */
    Object captureContext();

    /**
     * @param parentContext a context from {@link #captureContext()}, or {@code null}
     * @param flowName the flow's name
     * @param flowId the run id
     * @param parentFlowId the parent run id, or {@code null}
     * @param sessionId the session id, or {@code null}
     * @return the span of one execution of a run
     */
    Span startRun(Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId);

    /**
     * Opens the span of a later execution of a run (after a suspension, or a recovery), which links
     * to the span of the run's first execution, so that a trace view leads from one to the other.
     *
     * @param parentContext a context from {@link #captureContext()}, or {@code null}
     * @param flowName the flow's name
     * @param flowId the run id
     * @param parentFlowId the parent run id, or {@code null}
     * @param sessionId the session id, or {@code null}
     * @param origin the {@linkplain #traceParent traceparent} stored with the run, or {@code null}
     * @return the span; by default that of {@link #startRun(Object, String, String, String, String)}
     */
    default Span startRun(
            Object parentContext,
            String flowName,
            String flowId,
            String parentFlowId,
            String sessionId,
            String origin) {
        return startRun(parentContext, flowName, flowId, parentFlowId, sessionId);
    }

    /**
     * @param span a span this tracer opened
     * @return its W3C {@code traceparent}, which the run stores; {@code null} when it is not
     *     recorded (by default)
     */
    default String traceParent(Span span) {
        return null;
    }

    /**
     * @param run the run's span
     * @param flowName the flow's name
     * @param flowId the run id
     * @param label the step label
     * @param stepId the step id
     * @param attempt the attempt number, from 1
     * @return the span of one attempt
     */
    Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt);

    /**
     * Opens the span of one model call of a generator, following the OpenTelemetry GenAI semantic
     * conventions: named {@code <operation> <model>} (for example {@code chat gpt-4o-mini}), a child
     * of the current span, which is the generator's step span. The caller ends it, after
     * {@link GenerationSpan#response} or {@link Span#fail}.
     *
     * @param request what is asked of which model
     * @return the span; {@link GenerationSpan#NOOP} by default
     */
    default GenerationSpan startGeneration(GenerationRequest request) {
        return GenerationSpan.NOOP;
    }

    /**
     * Opens the span of one tool execution of a generator ({@code execute_tool <name>} in the GenAI
     * conventions), a child of the current span.
     *
     * @param toolName the tool
     * @param callId the model's id of the call, or {@code null}
     * @return the span; {@link Span#NOOP} by default
     */
    default Span startToolExecution(String toolName, String callId) {
        return Span.NOOP;
    }

    /**
     * The request side of a model call.
     *
     * @param operation the GenAI operation, {@code chat} for chat completions
     * @param provider the GenAI provider name, such as {@code openai} or {@code ollama}
     * @param model the model asked for
     * @param temperature the requested temperature, or {@code null}
     * @param maxOutputTokens the requested output limit, or {@code null}
     */
    record GenerationRequest(
            String operation, String provider, String model, Double temperature, Integer maxOutputTokens) {}

    /**
     * The response side of a model call.
     *
     * @param id the provider's response id, or {@code null}
     * @param model the model that answered, or {@code null}
     * @param inputTokens the prompt tokens used, or {@code null}
     * @param outputTokens the completion tokens used, or {@code null}
     * @param finishReason why the model stopped ({@code stop}, {@code length}, {@code tool_calls},
     *     {@code content_filter}, ...), or {@code null}
     */
    record GenerationResponse(
            String id, String model, Integer inputTokens, Integer outputTokens, String finishReason) {}

    /** The span of a model call. */
    interface GenerationSpan extends Span {

        /** A span that records nothing. */
        GenerationSpan NOOP = new GenerationSpan() {};

        /** @param response what the model answered, recorded on the span */
        default void response(GenerationResponse response) {}
    }

    /** An open span. */
    interface Span {

        /** A span that records nothing. */
        Span NOOP = new Span() {};

        /**
         * Makes the span current on this thread until the returned scope closes.
         *
         * @return the scope
         */
        default AutoCloseable makeCurrent() {
            return () -> {};
        }

        /**
         * @param key an attribute key
         * @param value its value
         */
        default void setAttribute(String key, String value) {}

        /** @param failure the failure that ended the span */
        default void fail(Throwable failure) {}

        /** Ends the span. */
        default void end() {}
    }
}
