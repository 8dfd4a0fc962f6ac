package io.crux.ee.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.crux.ee.spi.FlowMetrics;

/** Records what the engine reports to its {@link FlowMetrics}, as lines such as {@code ended orders completed}. */
final class RecordingMetrics implements FlowMetrics {

    private final List<String> calls = new ArrayList<>();
    private final List<Duration> runDurations = new ArrayList<>();
    volatile Gauges gauges;

    synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Duration> runDurations() {
        return List.copyOf(runDurations);
    }

    private synchronized void add(String call) {
        calls.add(call);
    }

    @Override
    public void runStarted(String flowName) {
        add("started " + flowName);
    }

    @Override
    public void runEnded(String flowName, String outcome, Duration duration) {
        synchronized (this) {
            runDurations.add(duration);
        }
        add("ended " + flowName + " " + outcome);
    }

    @Override
    public void stepAttempted(String flowName, boolean succeeded, Duration duration) {
        if (duration.isNegative()) {
            throw new AssertionError("negative duration " + duration);
        }
        add("attempt " + flowName + " " + (succeeded ? "succeeded" : "failed"));
    }

    @Override
    public void stepRetried(String flowName) {
        add("retry " + flowName);
    }

    @Override
    public void stepFellBack(String flowName) {
        add("fallback " + flowName);
    }

    @Override
    public void leaseTakenOver(String flowName) {
        add("takeover " + flowName);
    }

    volatile boolean observing;

    @Override
    public Observation observe(Gauges gauges) {
        this.gauges = gauges;
        observing = true;
        return () -> observing = false;
    }
}
