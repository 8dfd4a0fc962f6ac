package io.crux.ee.engine;

import java.util.Map;
import java.util.TreeMap;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.spi.FlowMetrics;

/**
 * The current values an engine's {@link FlowMetrics} reads: the runs executing here and the streams
 * open here, counted in memory; the suspended runs, counted in the store by maintenance (so that a
 * metrics exporter's thread never touches the database).
 */
final class EngineGauges implements FlowMetrics.Gauges {

    private final EngineRegistry registry;
    private final EventBus bus;
    private volatile Map<String, Long> suspended = Map.of();

    EngineGauges(EngineRegistry registry, EventBus bus) {
        this.registry = registry;
        this.bus = bus;
    }

    @Override
    public Map<String, Long> running() {
        Map<String, Long> byFlow = zeros();
        for (Execution<?, ?> e : registry.active()) {
            byFlow.merge(e.flowName(), 1L, Long::sum);
        }
        return byFlow;
    }

    @Override
    public Map<String, Long> suspended() {
        return suspended;
    }

    @Override
    public long openStreams() {
        return bus.openSubscriptions();
    }

    /** Counts the suspended runs in the store again; called by maintenance when metrics are recorded. */
    void countSuspended(EngineServices services) {
        Map<String, Long> byFlow = zeros();
        byFlow.putAll(services.store().countRuns(FlowStatus.SUSPENDED));
        suspended = byFlow;
    }

    /** A zero for every flow registered here, so that a flow's gauge goes back to zero instead of vanishing. */
    private Map<String, Long> zeros() {
        Map<String, Long> byFlow = new TreeMap<>();
        for (FlowModel f : registry.flows()) {
            byFlow.put(f.name(), 0L);
        }
        return byFlow;
    }
}
