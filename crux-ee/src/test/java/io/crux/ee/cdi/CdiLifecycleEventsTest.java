package io.crux.ee.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.spi.BeanManager;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.event.FlowEvent;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.event.RunStarted;

class CdiLifecycleEventsTest {

    /** What each selection of the root event was asked for, and what was fired at it, in order. */
    private final Map<Integer, List<Object>> fired = new LinkedHashMap<>();

    private final List<String> selections = new ArrayList<>();

    @Test
    void eachFlowsQualifiedEventIsSelectedOnceAndGetsItsOwnEvents() {
        CdiLifecycleEvents events = new CdiLifecycleEvents(beanManager(), Executors.newSingleThreadExecutor());
        FlowLifecycleEvent a1 = started("a", "1");
        FlowLifecycleEvent b1 = started("b", "2");
        FlowLifecycleEvent a2 = started("a", "3");

        events.transitioned(a1);
        events.transitioned(b1);
        events.transitioned(a2);

        assertThat(selections).containsExactly("a", "b");
        assertThat(fired.get(0)).containsExactly("sync " + a1, "async " + a1, "sync " + a2, "async " + a2);
        assertThat(fired.get(1)).containsExactly("sync " + b1, "async " + b1);
    }

    private static FlowLifecycleEvent started(String flow, String id) {
        return new RunStarted(id, flow, "run", null, null, Instant.EPOCH);
    }

    private BeanManager beanManager() {
        Event<?> root = event(-1);
        return (BeanManager) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {BeanManager.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getEvent")) {
                        return root;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** An event that records what is fired at it; the root's selections are new events with their own record. */
    private Event<?> event(int index) {
        return (Event<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Event.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "select" -> {
                            Annotation qualifier = (Annotation) ((Object[]) args[args.length - 1])[0];
                            selections.add(((FlowEvent) qualifier).value());
                            int selected = fired.size();
                            fired.put(selected, new ArrayList<>());
                            return event(selected);
                        }
                        case "fire" -> {
                            fired.get(index).add("sync " + args[0]);
                            return null;
                        }
                        case "fireAsync" -> {
                            fired.get(index).add("async " + args[0]);
                            return CompletableFuture.completedFuture(args[0]);
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
