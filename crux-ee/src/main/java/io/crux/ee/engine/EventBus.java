package io.crux.ee.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.crux.ee.spi.EventRecord;

/**
 * Hands the events of requests executing on this server to the streams open on this server, as
 * soon as they are stored (and {@code content.delta}, which is never stored). Streams of requests
 * executing elsewhere read the stored log instead.
 */
public final class EventBus {

    private final Map<String, List<Consumer<EventRecord>>> listeners = new ConcurrentHashMap<>();
    /** The subscriptions open now: one per request stream. */
    private final AtomicLong open = new AtomicLong();

    /**
     * @param requestId the request
     * @param listener called on the publishing thread; must not block
     * @return closes the subscription
     */
    public AutoCloseable subscribe(String requestId, Consumer<EventRecord> listener) {
        listeners.computeIfAbsent(requestId, k -> new CopyOnWriteArrayList<>()).add(listener);
        open.incrementAndGet();
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                open.decrementAndGet();
                listeners.computeIfPresent(requestId, (k, list) -> {
                    list.remove(listener);
                    return list.isEmpty() ? null : list;
                });
            }
        };
    }

    /** @return the subscriptions open now */
    long openSubscriptions() {
        return open.get();
    }

    void publish(EventRecord event) {
        List<Consumer<EventRecord>> list = listeners.get(event.requestId());
        if (list != null) {
            for (Consumer<EventRecord> l : list) {
                l.accept(event);
            }
        }
    }
}
