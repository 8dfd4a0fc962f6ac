package io.crux.it.events;

import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.crux.ee.api.event.FlowEvent;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.event.RunCompleted;

/**
 * Observers of the lifecycle events: one qualified by flow name, one for every flow, an asynchronous
 * one, and two that throw (last among the synchronous ones, and asynchronously).
 */
@ApplicationScoped
public class LifecycleObservers {

    @Inject
    EventLog log;

    @Resource
    TransactionSynchronizationRegistry transactions;

    void qualified(@Observes @FlowEvent("it-events") FlowLifecycleEvent event) {
        log.add("qualified", event);
        if (inTransaction()) {
            log.add("in-transaction", event);
        }
    }

    void unqualified(@Observes FlowLifecycleEvent event) {
        log.add("unqualified", event);
    }

    void later(@ObservesAsync FlowLifecycleEvent event) {
        log.add("async", event);
    }

    void completedOnly(@Observes @FlowEvent("it-events") RunCompleted event) {
        log.add("completed", event);
    }

    void throwing(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) @FlowEvent("it-events") RunCompleted e) {
        throw new IllegalStateException("a broken observer of " + e.flowId());
    }

    void throwingLater(@ObservesAsync @FlowEvent("it-events") RunCompleted e) {
        throw new IllegalStateException("a broken asynchronous observer of " + e.flowId());
    }

    private boolean inTransaction() {
        return transactions.getTransactionStatus() == Status.STATUS_ACTIVE;
    }
}
