package io.crux.ee.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.crux.ee.spi.FlowTracer;

/**
 * Records every step attempt the engine starts, with how it ended, and hands every span on to the
 * test's own tracer ({@link FlowTracer#NOOP} unless the test gave one). Thread-safe.
 */
final class RecordingTracer implements FlowTracer {

    enum Outcome {
        RUNNING,
        SUCCEEDED,
        FAILED,
        INTERRUPTED
    }

    /** One attempt of a step. */
    static final class Attempt {
        final String flowId;
        final String label;
        final String stepId;
        final int number;
        volatile Outcome outcome = Outcome.RUNNING;
        volatile Throwable failure;
        final long startNanos = System.nanoTime();
        volatile long endNanos = -1;

        Attempt(String flowId, String label, String stepId, int number) {
            this.flowId = flowId;
            this.label = label;
            this.stepId = stepId;
            this.number = number;
        }
    }

    private final List<Attempt> attempts = new ArrayList<>();
    private final FlowTracer delegate;

    RecordingTracer(FlowTracer delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return how long the attempt ran by the wall clock, so far if it has not ended */
    static long elapsedNanos(Attempt a) {
        long end = a.endNanos;
        return (end < 0 ? System.nanoTime() : end) - a.startNanos;
    }

    List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    @Override
    public Object captureContext() {
        return delegate.captureContext();
    }

    @Override
    public Span startRun(Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
        return delegate.startRun(parentContext, flowName, flowId, parentFlowId, sessionId);
    }

    @Override
    public Span startRun(
            Object parentContext,
            String flowName,
            String flowId,
            String parentFlowId,
            String sessionId,
            String origin) {
        return delegate.startRun(parentContext, flowName, flowId, parentFlowId, sessionId, origin);
    }

    @Override
    public String traceParent(Span span) {
        return delegate.traceParent(span);
    }

    @Override
    public GenerationSpan startGeneration(GenerationRequest request) {
        return delegate.startGeneration(request);
    }

    @Override
    public Span startToolExecution(String toolName, String callId) {
        return delegate.startToolExecution(toolName, callId);
    }

    @Override
    public Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt) {
        Attempt a = new Attempt(flowId, label, stepId, attempt);
        synchronized (attempts) {
            attempts.add(a);
        }
        Span span = delegate.startStep(run, flowName, flowId, label, stepId, attempt);
        return new Span() {
            private boolean interrupted;

            @Override
            public AutoCloseable makeCurrent() {
                return span.makeCurrent();
            }

            @Override
            public void setAttribute(String key, String value) {
                if ("crux.step.outcome".equals(key)) {
                    interrupted = true;
                }
                span.setAttribute(key, value);
            }

            @Override
            public void fail(Throwable failure) {
                a.failure = failure;
                a.outcome = Outcome.FAILED;
                span.fail(failure);
            }

            @Override
            public void end() {
                a.endNanos = System.nanoTime();
                if (a.outcome == Outcome.RUNNING) {
                    a.outcome = interrupted ? Outcome.INTERRUPTED : Outcome.SUCCEEDED;
                }
                span.end();
            }
        };
    }
}
