package io.crux.ee.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.Item;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.EventRecord;

/**
 * A run's side of its outbox: the items and request events its code and its lifecycle make, handed
 * to the run's {@link RequestEvents}, which a durable run has and any other lacks (then nothing is
 * stored or sent). An event that cannot be written is logged as lost, never thrown into the run.
 */
final class RunOutbox {

    private static final Logger LOG = Logger.getLogger(RunOutbox.class.getName());

    private final String flowId;
    private final RunContext context;
    /** The run's outbox; null when the run is not durable. */
    private final RequestEvents events;

    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    /** The audience each item type has in the run's flow. */
    private final Map<Item.Type, Item.Audience> audiences;
    /**
     * The run's items, latest version by id in the order first emitted, when its session lives for one
     * request and stores none; null otherwise.
     */
    private final Map<String, Item> kept;

    /**
     * @param durable whether the run is durable: only then are its items and events stored
     * @param storesItems whether its items are stored with the session (not when that lives for one request)
     * @param lastSeq the number of the run's last stored event
     * @param fence where the writes the outbox makes on its own go through
     */
    RunOutbox(
            EngineServices services,
            boolean durable,
            boolean storesItems,
            String flowId,
            RunContext context,
            long lastSeq,
            RequestEvents.Fence fence,
            Map<Item.Type, Item.Audience> audiences) {
        this.flowId = flowId;
        this.audiences = audiences;
        this.context = context;
        this.kept = storesItems ? null : new LinkedHashMap<>();
        this.events =
                durable ? new RequestEvents(services, flowId, lastSeq, context.events(), storesItems, fence) : null;
    }

    /** @return the run's outbox, or null when the run is not durable */
    RequestEvents events() {
        return events;
    }

    /** @return the item with the audience its flow gives its type, unless it names one */
    Item resolve(Item item) {
        return item.resolveAudience(audiences);
    }

    /**
     * Stores the item, with its audience {@linkplain #resolve resolved}, with the session and tells the
     * stream: item.added when an item starts in progress, item.done when it is finished. An item
     * emitted finished has one event, item.done, which carries all of it. Only client items have
     * events: model and internal items are stored, never streamed. A run whose session lives for one
     * request stores no items and keeps them in memory instead, for {@link #kept()}.
     *
     * @return the item as stored
     */
    Item publishItem(Item item, boolean finished) {
        item = resolve(item);
        if (kept != null) {
            synchronized (kept) {
                kept.put(item.id(), item);
            }
        }
        if (events == null) {
            return item;
        }
        String type = null;
        if (item.audience() == Item.Audience.CLIENT) {
            boolean announce = announced.add(item.id());
            type = finished ? "item.done" : announce ? "item.added" : null;
        }
        events.item(item, context.sessionId(), type);
        return item;
    }

    /**
     * @return the items this run emitted, in the order first emitted, each as last emitted, when its
     *     session lives for one request (its items are not stored); none otherwise
     */
    List<Item> kept() {
        if (kept == null) {
            return List.of();
        }
        synchronized (kept) {
            return List.copyOf(kept.values());
        }
    }

    /** Publishes an event that is not stored, such as {@code content.delta} of the item {@code itemId}. */
    void liveEvent(String type, String itemId, Map<String, ?> fields) {
        if (events != null) {
            events.live(type, itemId, fields);
        }
    }

    /** Stores (now or at the step's end) and publishes a request event. */
    void event(String type, Map<String, ?> fields) {
        if (events != null) {
            try {
                events.append(type, fields);
            } catch (CruxException e) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, type, e), e);
            }
        }
    }

    /** The event of a change of stored state. */
    void stateChanged(String scope, Set<String> keys) {
        event("state.changed", Map.of("scope", scope, "keys", List.copyOf(new TreeSet<>(keys))));
    }

    /** The event of a change of a resource's entry. */
    void resourceChanged(String scope, String name, String key) {
        event("resource.changed", Map.of("scope", scope, "name", name, "key", key));
    }

    /**
     * The request's event for a run that ended with this result: failed (with {@code error}, what the
     * run tells of its failure), completed or cancelled; none otherwise.
     */
    <O> void terminalEvent(FlowResult<O> result, String error) {
        if (result == null) {
            event("request.failed", Map.of("error", String.valueOf(error)));
        } else if (result instanceof FlowResult.Completed<O> c) {
            event("request.completed", Map.of()); // the output is in the run's row, not stored twice
        } else if (result instanceof FlowResult.Cancelled<O> c) {
            event("request.cancelled", c.reason() == null ? Map.of() : Map.of("reason", c.reason()));
        }
    }

    /** A step starts gathering its items and events, to be written when it ends. */
    void gather() {
        if (events != null) {
            events.gather();
        }
    }

    /** A step that wrote no checkpoint with them ends: what it gathered is written and published now. */
    void flush() {
        if (events != null) {
            try {
                events.flush();
            } catch (CruxException e) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step", e), e);
            }
        }
    }

    /**
     * Gathers the events {@code emit} makes and writes them, in the caller's transaction; the
     * caller publishes them once it has committed. Durable runs only.
     */
    List<EventRecord> written(Runnable emit) {
        events.gather();
        emit.run();
        return events.write();
    }

    /**
     * @return whether the run records no request events and nothing waits in its outbox, so that its
     *     end has nothing to write but its row. Durable runs only.
     */
    boolean quiet() {
        return events.quiet();
    }

    /** Runs a transaction that writes events of this run, ordered with its other such transactions. Durable runs only. */
    <T> T inOrder(Supplier<T> transaction) {
        return events.inOrder(transaction);
    }

    /** Hands committed events to the streams of this server. Durable runs only. */
    void publish(List<EventRecord> written) {
        events.publish(written);
    }
}
