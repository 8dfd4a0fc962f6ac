package io.crux.ee.spi;

import java.time.Duration;
import java.util.Map;

/**
 * Counts what the engine does, for an operator's metrics. The default implementation records
 * OpenTelemetry metrics through the server's MicroProfile Telemetry when it is present;
 * {@link #NOOP} otherwise. Every method has a default that records nothing.
 *
 * <p>The engine calls one instance from every run's threads at once, so implementations are
 * thread-safe, and quick: they are called on the runs' own threads.
 */
public interface FlowMetrics {

    /** Metrics that record nothing. */
    FlowMetrics NOOP = new FlowMetrics() {};

    /** A run ended as completed. */
    String COMPLETED = "completed";
    /** A run ended as failed. */
    String FAILED = "failed";
    /** A run ended as cancelled. */
    String CANCELLED = "cancelled";
    /** A suspended run ended as expired. */
    String EXPIRED = "expired";

    /** @param flowName the flow of a run that this node started (not one it resumed or recovered) */
    default void runStarted(String flowName) {}

    /**
     * A run ended for good.
     *
     * @param flowName the flow
     * @param outcome {@link #COMPLETED}, {@link #FAILED}, {@link #CANCELLED} or {@link #EXPIRED}
     * @param duration from the run's start to its end, suspensions included
     */
    default void runEnded(String flowName, String outcome, Duration duration) {}

    /**
     * One attempt of a step ran (a replayed step is not attempted).
     *
     * @param flowName the flow
     * @param succeeded whether the attempt returned a value
     * @param duration how long the attempt took
     */
    default void stepAttempted(String flowName, boolean succeeded, Duration duration) {}

    /** @param flowName the flow of a step whose failed attempt is retried, now or after a wait */
    default void stepRetried(String flowName) {}

    /** @param flowName the flow of a step that failed for good and returned its fallback */
    default void stepFellBack(String flowName) {}

    /** @param flowName the flow of a run that this node claimed after its lease ran out (a recovery) */
    default void leaseTakenOver(String flowName) {}

    /**
     * Hands the implementation what it reads when it is asked for the current values; the engine
     * calls it once, when it is built.
     *
     * @param gauges the current values
     * @return stops reading them; the engine calls it when it closes, so that a closed engine (an
     *     application undeployed) is not read any more
     */
    default Observation observe(Gauges gauges) {
        return Observation.NONE;
    }

    /** What {@link #observe} started; closing it stops it. */
    @FunctionalInterface
    interface Observation extends AutoCloseable {

        /** Nothing to stop. */
        Observation NONE = () -> {};

        @Override
        void close();
    }

    /** Current values that the engine keeps; reading them is cheap and touches no database. */
    interface Gauges {

        /** @return the runs executing on this node (a retry wait included), by flow */
        Map<String, Long> running();

        /**
         * @return the suspended runs in the store of this application's flows, by flow, as counted at
         *     the last maintenance pass of this node (every {@code crux.maintenance-interval}) that
         *     came after this method was read; empty when the store does not count
         */
        Map<String, Long> suspended();

        /** @return the request streams open on this node */
        long openStreams();
    }
}
