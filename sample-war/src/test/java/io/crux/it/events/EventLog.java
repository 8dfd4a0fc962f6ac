package io.crux.it.events;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.event.FlowLifecycleEvent;

/** What each observer received, by observer and run, inside the server. */
@ApplicationScoped
public class EventLog {

    private final Map<String, List<FlowLifecycleEvent>> received = new ConcurrentHashMap<>();

    void add(String observer, FlowLifecycleEvent event) {
        received.computeIfAbsent(observer + "/" + event.flowId(), k -> new CopyOnWriteArrayList<>())
                .add(event);
    }

    /** @return the events that an observer received for a run, in the order it received them */
    public List<FlowLifecycleEvent> of(String observer, String flowId) {
        return List.copyOf(received.getOrDefault(observer + "/" + flowId, List.of()));
    }

    /** @return the kinds of those events, in order */
    public List<String> kinds(String observer, String flowId) {
        return of(observer, flowId).stream()
                .map(e -> e.getClass().getSimpleName())
                .toList();
    }
}
