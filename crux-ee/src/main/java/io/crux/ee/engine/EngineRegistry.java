package io.crux.ee.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crux.ee.api.exception.FlowDefinitionException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;

/**
 * What an engine holds in memory: the registered flows, the runs that execute on this node, the
 * runs this node is claiming, and whether the engine is still open.
 */
final class EngineRegistry {

    private final Map<String, FlowModel> flows = new ConcurrentHashMap<>();
    private final Map<String, Execution<?, ?>> active = new ConcurrentHashMap<>();
    /** Runs this node is claiming: not yet {@link #active}, but no longer anybody's orphan. */
    private final Set<String> claiming = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * @throws FlowDefinitionException if the name is taken, a signal is declared twice, an item type mapped twice or a
     *     resource declared badly
     */
    void register(FlowModel flow) {
        flow.signals(); // a signal declared twice fails the deployment, not the first run that suspends
        flow.state(); // so do conflicting @ScopeState declarations
        flow.itemAudiences(); // so does an item type mapped twice
        flow.resources(); // and a bad @FlowResource, as the extension finds at deployment
        FlowModel previous = flows.putIfAbsent(flow.name(), flow);
        if (previous != null) {
            throw new FlowDefinitionException(Messages.duplicateFlowName(
                    flow.name(),
                    previous.definitionClass().getName(),
                    flow.definitionClass().getName()));
        }
    }

    /** @return the flow with this name, or null */
    FlowModel flow(String name) {
        return flows.get(name);
    }

    Collection<FlowModel> flows() {
        return List.copyOf(flows.values());
    }

    /** @return the names of the registered flows, live */
    Set<String> flowNames() {
        return flows.keySet();
    }

    boolean isDefined(String flowName) {
        return flows.containsKey(flowName);
    }

    // ---------------------------------------------------------------- runs on this node

    /** @return the execution of the run on this node, or null */
    Execution<?, ?> active(String flowId) {
        return active.get(flowId);
    }

    boolean executesHere(String flowId) {
        return active.containsKey(flowId);
    }

    /** @return the executions on this node */
    Collection<Execution<?, ?>> active() {
        return active.values();
    }

    /** @return whether a thread of this node is claiming a run now */
    boolean claimingAny() {
        return !claiming.isEmpty();
    }

    /** @return false if another execution of the run is active here */
    boolean activateIfAbsent(Execution<?, ?> exec) {
        return active.putIfAbsent(exec.flowId(), exec) == null;
    }

    void activate(Execution<?, ?> exec) {
        active.put(exec.flowId(), exec);
    }

    /** The execution ended, or was never started: it is no longer active here. */
    void finished(Execution<?, ?> exec) {
        active.remove(exec.flowId(), exec);
    }

    /**
     * Reserves a run for a claim by this node; {@link #release} lets go.
     *
     * @return false if the run executes here or another thread of this node is claiming it
     */
    boolean reserve(String flowId) {
        if (!claiming.add(flowId)) {
            return false;
        }
        // checked after the reservation: an execution becomes active before its claimer lets go
        if (active.containsKey(flowId)) {
            claiming.remove(flowId);
            return false;
        }
        return true;
    }

    void release(String flowId) {
        claiming.remove(flowId);
    }

    // ---------------------------------------------------------------- open or closed

    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** @throws FlowStateException if the engine is closed */
    void checkOpen() {
        if (closed) {
            throw new FlowStateException(Messages.engineClosed(), null, null);
        }
    }
}
