package io.crux.ee.spi;

/**
 * Opens spans for runs and step attempts. The default implementation uses the server's
 * OpenTelemetry (MicroProfile Telemetry) when it is present; {@link #NOOP} otherwise.
 */
public interface FlowTracer {

    /** A tracer that records nothing. */
    FlowTracer NOOP = new FlowTracer() {
        @Override
        public Object captureContext() {
            return null;
        }

        @Override
        public Span startRun(Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
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
     * @param run the run's span
     * @param flowName the flow's name
     * @param flowId the run id
     * @param label the step label
     * @param stepId the step id
     * @param attempt the attempt number, from 1
     * @return the span of one attempt
     */
    Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt);

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
