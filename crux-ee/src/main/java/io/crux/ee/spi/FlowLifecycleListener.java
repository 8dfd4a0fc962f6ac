package io.crux.ee.spi;

import io.crux.ee.api.event.FlowLifecycleEvent;

/**
 * Told of each transition of a run, after the transaction that stored it committed: the engine's
 * side of the lifecycle events. In a server the CDI integration fires each event as a CDI event
 * (synchronously and asynchronously); the test kit records them. {@link #NOOP} by default.
 *
 * <p>The engine calls it on the thread that made the transition (a run's thread, or the caller's
 * that started, signalled, resumed or cancelled it), holding no lock and no transaction of its own,
 * and outside the run's code: a flow started from the listener is a run of its own, not a child. A
 * listener that throws is logged (CRUX0200W) and the run goes on unchanged. Implementations are
 * thread-safe; a slow one delays the thread that calls it.
 */
@FunctionalInterface
public interface FlowLifecycleListener {

    /** A listener that does nothing. */
    FlowLifecycleListener NOOP = event -> {};

    /**
     * A run made a transition.
     *
     * @param event the transition
     */
    void transitioned(FlowLifecycleEvent event);
}
