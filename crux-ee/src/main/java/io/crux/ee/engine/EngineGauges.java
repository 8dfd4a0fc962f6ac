package io.crux.ee.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowMetrics;

/**
 * The current values an engine's {@link FlowMetrics} reads: the runs executing here and the streams
 * open here, counted in memory; the suspended runs, counted in the store by maintenance (so that a
 * metrics exporter's thread never touches the database).
 */
final class EngineGauges implements FlowMetrics.Gauges {

    private static final Logger LOG = Logger.getLogger(EngineGauges.class.getName());

    private final EngineRegistry registry;
    private final EventBus bus;
    private volatile Map<String, Long> suspended = Map.of();
    /**
     * Whether {@link #suspended} was read since the last count: an exporter that does not read it
     * (the OpenTelemetry SDK disabled, no reader) costs no query. True at first, for one count.
     */
    private volatile boolean suspendedRead = true;

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
        suspendedRead = true;
        return suspended;
    }

    @Override
    public long openStreams() {
        return bus.openSubscriptions();
    }

    /**
     * Counts the suspended runs in the store again, if they were read since the last count; called
     * by maintenance when metrics are recorded. A failed count is logged and keeps the last one: the
     * maintenance pass goes on.
     */
    void countSuspended(EngineServices services) {
        if (!suspendedRead) {
            return;
        }
        suspendedRead = false;
        try {
            suspended = services.store()
                    .countRuns(FlowStatus.SUSPENDED)
                    .map(this::ofFlowsHere)
                    .orElse(Map.of()); // a store that does not count: no count, rather than zeros
        } catch (RuntimeException e) {
            suspendedRead = true; // try again at the next pass
            LOG.log(Level.WARNING, Messages.suspendedNotCounted(e), e);
        }
    }

    /** @return the counts of the flows registered here (the database may hold other applications' runs) */
    private Map<String, Long> ofFlowsHere(Map<String, Long> counted) {
        Map<String, Long> byFlow = zeros();
        byFlow.replaceAll((flow, zero) -> counted.getOrDefault(flow, 0L));
        return byFlow;
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
