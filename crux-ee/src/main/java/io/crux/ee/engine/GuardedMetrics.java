package io.crux.ee.engine;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowMetrics;

/**
 * The engine's {@link FlowMetrics}, made harmless: a call that throws is logged (once per method)
 * and dropped, so that an implementation's failure never changes what a run does. The engine calls
 * its metrics from the middle of its own state changes; a throw there would skip them.
 */
final class GuardedMetrics implements FlowMetrics {

    private static final Logger LOG = Logger.getLogger(GuardedMetrics.class.getName());

    private final FlowMetrics delegate;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private GuardedMetrics(FlowMetrics delegate) {
        this.delegate = delegate;
    }

    /** @return the metrics guarded; {@link FlowMetrics#NOOP} stays itself, so the engine still sees it is off */
    static FlowMetrics of(FlowMetrics metrics) {
        if (metrics == null || metrics == NOOP) {
            return NOOP;
        }
        return metrics instanceof GuardedMetrics ? metrics : new GuardedMetrics(metrics);
    }

    private void failed(String method, Throwable t) {
        if (logged.add(method)) {
            LOG.log(Level.WARNING, Messages.metricsFailed(method, t), t);
        }
    }

    @Override
    public void runStarted(String flowName) {
        try {
            delegate.runStarted(flowName);
        } catch (RuntimeException | LinkageError e) {
            failed("runStarted", e);
        }
    }

    @Override
    public void runEnded(String flowName, String outcome, Duration duration) {
        try {
            delegate.runEnded(flowName, outcome, duration);
        } catch (RuntimeException | LinkageError e) {
            failed("runEnded", e);
        }
    }

    @Override
    public void stepAttempted(String flowName, boolean succeeded, Duration duration) {
        try {
            delegate.stepAttempted(flowName, succeeded, duration);
        } catch (RuntimeException | LinkageError e) {
            failed("stepAttempted", e);
        }
    }

    @Override
    public void stepRetried(String flowName) {
        try {
            delegate.stepRetried(flowName);
        } catch (RuntimeException | LinkageError e) {
            failed("stepRetried", e);
        }
    }

    @Override
    public void stepFellBack(String flowName) {
        try {
            delegate.stepFellBack(flowName);
        } catch (RuntimeException | LinkageError e) {
            failed("stepFellBack", e);
        }
    }

    @Override
    public void leaseTakenOver(String flowName) {
        try {
            delegate.leaseTakenOver(flowName);
        } catch (RuntimeException | LinkageError e) {
            failed("leaseTakenOver", e);
        }
    }

    @Override
    public Observation observe(Gauges gauges) {
        Observation observation;
        try {
            observation = delegate.observe(gauges);
        } catch (RuntimeException | LinkageError e) {
            failed("observe", e);
            return Observation.NONE;
        }
        if (observation == null) {
            return Observation.NONE;
        }
        return () -> {
            try {
                observation.close();
            } catch (RuntimeException | LinkageError e) {
                failed("Observation.close", e);
            }
        };
    }
}
