package io.crux.ee.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.SessionStore;

/**
 * The collaborators an engine's parts share, handed to each part as one value.
 *
 * @param store the runs and their checkpoints
 * @param sessions sessions, state, items and request events
 * @param codec encodes and decodes what runs store
 * @param validator checks inputs and signal payloads
 * @param tracer the runs' and steps' spans
 * @param metrics counts runs, steps, recoveries
 * @param lifecycle tells the lifecycle listener of the runs' transitions
 * @param executor runs flow bodies, timed step attempts and block branches
 * @param scheduler retry waits and maintenance
 * @param clock the time
 * @param settings this node's id, leases and maintenance interval
 * @param limits the limits on what runs store
 * @param bus hands this server's request events to its streams
 * @param node keeps this server's node id its own
 * @param given the services given to the builder, by type
 * @param resolver finds the services that were not given, or returns null; may be null
 */
record EngineServices(
        FlowStore store,
        SessionStore sessions,
        PayloadCodec codec,
        InputValidator validator,
        FlowTracer tracer,
        FlowMetrics metrics,
        RunLifecycle lifecycle,
        ExecutorService executor,
        ScheduledExecutorService scheduler,
        Clock clock,
        EngineSettings settings,
        EngineLimits limits,
        EventBus bus,
        NodeGuard node,
        Map<Class<?>, Object> given,
        Function<Class<?>, ?> resolver) {

    /** @return when a lease taken or renewed at {@code now} ends */
    Instant leaseEnd(Instant now) {
        return now.plus(settings.leaseDuration());
    }

    /** @return this node's id */
    String nodeId() {
        return settings.nodeId();
    }

    /**
     * A service by type: the codec, validator, tracer or session store, else one given, else what
     * the resolver finds.
     *
     * @throws NoSuchElementException if there is none
     */
    <T> T service(Class<T> type) {
        Object found = own(type);
        if (found == null && resolver != null) {
            found = resolver.apply(type);
        }
        if (found == null) {
            throw new NoSuchElementException(Messages.serviceNotFound(
                    type.getName(),
                    given.keySet().stream().map(Class::getName).sorted().toList()));
        }
        return type.cast(found);
    }

    /** The engine's own codec, validator, tracer or session store, else what was given for the type. */
    private Object own(Class<?> type) {
        if (type == PayloadCodec.class) {
            return codec;
        }
        if (type == InputValidator.class) {
            return validator;
        }
        if (type == FlowTracer.class) {
            return tracer;
        }
        if (type == SessionStore.class) {
            return sessions;
        }
        return given.get(type);
    }
}
