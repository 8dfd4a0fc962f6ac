package io.crux.ee.cdi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;
import jakarta.enterprise.inject.spi.BeanManager;

import io.crux.ee.api.event.FlowEvent;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowLifecycleListener;

/**
 * Fires each lifecycle event of the engine as a CDI event qualified with {@link FlowEvent} by the
 * flow's name: to the synchronous observers on the engine's calling thread, then to the
 * asynchronous ones on the engine's managed executor, logging the failures of either.
 */
final class CdiLifecycleEvents implements FlowLifecycleListener {

    private static final Logger LOG = Logger.getLogger(CdiLifecycleEvents.class.getName());

    private final Event<Object> events;
    private final NotificationOptions async;

    /**
     * The event qualified by each flow's name, selected once: a selection is a new {@code Event} each
     * time, whose container resolves its observers again at every firing (a run fires two).
     */
    private final Map<String, Event<Object>> byFlow = new ConcurrentHashMap<>();

    CdiLifecycleEvents(BeanManager beanManager, ExecutorService executor) {
        this.events = beanManager.getEvent();
        this.async = NotificationOptions.ofExecutor(executor);
    }

    @Override
    public void transitioned(FlowLifecycleEvent event) {
        Event<Object> qualified =
                byFlow.computeIfAbsent(event.flowName(), flow -> events.select(FlowEvent.Literal.of(flow)));
        String kind = event.getClass().getSimpleName();
        try {
            qualified.fire(event);
        } catch (RuntimeException | LinkageError e) {
            // a synchronous observer that throws stops the notification of the ones after it (CDI)
            LOG.log(Level.WARNING, Messages.lifecycleObserverFailed(kind, event.flowId(), e), e);
        }
        try {
            qualified.fireAsync(event, async).exceptionally(e -> {
                LOG.log(Level.WARNING, Messages.lifecycleAsyncObserverFailed(kind, event.flowId(), e), e);
                return null;
            });
        } catch (RuntimeException e) { // the executor refused the notification (the application is stopping)
            LOG.log(Level.WARNING, Messages.lifecycleAsyncObserverFailed(kind, event.flowId(), e), e);
        }
    }
}
