package io.crux.ee.engine;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.api.exception.NodeIdInUseException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.RunRecord;

/**
 * Keeps this node's runs held and nobody's runs lost: renews the leases of the runs executing
 * here, stops those another node took over or another caller cancelled, and claims and continues
 * orphaned runs, now and then on the scheduler.
 */
final class Recovery {

    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    private static final int RECOVERY_BATCH = 100;
    /** How soon a first pass that failed is tried again (then twice as long each time). */
    private static final long FIRST_RETRY_MILLIS = 50;

    private final EngineServices services;
    private final EngineRegistry registry;
    private final Launcher launcher;
    private final RunControl control;
    private final EngineGauges gauges;
    private volatile ScheduledFuture<?> maintenance;
    private volatile boolean stopped;
    /** Whether a pass has succeeded since the engine started. */
    private volatile boolean started;
    /** When the last successful scheduled pass ended, or null. */
    private volatile Instant lastPassEnded;
    /** When the pass that runs now started, or null when none runs. */
    private volatile Instant passStarted;
    /** Whether the scheduler refused the last pass it was given (it does once it shuts down). */
    private volatile boolean refused;
    /** Whether {@link #start()} was called and {@link #stop()} not since. */
    private volatile boolean running;

    Recovery(
            EngineServices services,
            EngineRegistry registry,
            Launcher launcher,
            RunControl control,
            EngineGauges gauges) {
        this.services = services;
        this.gauges = gauges;
        this.registry = registry;
        this.launcher = launcher;
        this.control = control;
    }

    /**
     * Renews this node's leases and continues every orphaned run of a registered flow from its
     * last checkpoint. Safe to call from several servers at once: each run is claimed by one.
     *
     * @return how many runs this call recovered
     */
    int maintain() {
        if (registry.isClosed()) {
            return 0;
        }
        holdNodeId();
        Instant now = services.clock().instant();
        Set<String> held = services.store().renewHeldLeases(services.nodeId(), services.leaseEnd(now));
        for (Execution<?, ?> local : registry.active()) {
            if (local.flow().durable() && !held.contains(local.flowId())) {
                stopIfNotHeld(local);
            }
        }
        int recovered = 0;
        for (RunRecord run : services.store().findRecoverable(services.nodeId(), now, RECOVERY_BATCH)) {
            FlowModel flow = registry.flow(run.flowName());
            if (flow == null || !registry.reserve(run.flowId())) {
                continue;
            }
            Execution<?, ?> exec;
            try {
                if (run.status() == FlowStatus.CANCELLED) {
                    // its owner died before it acknowledged the cancel: end it and close its stream
                    control.endStored(run, FlowStatus.CANCELLED, run.error());
                    continue;
                }
                RunRecord claimed = services.store().claim(run, services.nodeId(), services.leaseEnd(now), null);
                LOG.info(Messages.recovering(run.flowId(), run.flowName()));
                services.metrics().leaseTakenOver(run.flowName());
                exec = launcher.revive(flow, claimed);
            } catch (FlowConflictException lost) {
                continue; // another server claimed it first
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, Messages.recoveryFailed(run.flowId(), e), e);
                continue;
            } finally {
                registry.release(run.flowId());
            }
            launcher.submit(exec);
            recovered++;
        }
        if (services.metrics() != FlowMetrics.NOOP) {
            gauges.countSuspended(services);
        }
        return recovered;
    }

    /**
     * Holds this node's id before anything else: a node that lost it to another server stops its
     * executions without writing, as for runs another node took over, since that server takes the
     * runs held under the id over.
     *
     * @throws NodeIdInUseException if another live server holds the id: the pass does nothing
     */
    private void holdNodeId() {
        services.node().hold(lost -> {
            for (Execution<?, ?> local : registry.active()) {
                if (local.flow().durable()) {
                    local.loseLease(new LeaseLostException(lost, local.flowId(), null));
                }
            }
        });
    }

    /**
     * An execution whose lease this node did not renew: another node took the run over (this node
     * stalled longer than the lease), so it stops here without writing; or another caller
     * cancelled it, so it stops as cancelled. A run that is starting, suspending or ending is left
     * alone: its own writes decide.
     */
    private void stopIfNotHeld(Execution<?, ?> local) {
        RunRecord run = services.store().findRun(local.flowId()).orElse(null);
        if (run == null) {
            return;
        }
        if (services.nodeId().equals(run.owner())) {
            if (run.status() == FlowStatus.CANCELLED) {
                local.cancelFromOutside(run.error());
            }
        } else if (run.status() == FlowStatus.RUNNING) {
            local.loseLease(new LeaseLostException(
                    Messages.fenced(
                            run.flowId(),
                            services.nodeId(),
                            run.owner(),
                            run.status().name()),
                    run.flowId(),
                    run.owner()));
        }
    }

    /**
     * Runs {@link #maintain()} now and then every maintenance interval on the scheduler.
     *
     * <p>Until a pass has succeeded, a failed pass is tried again sooner, after 50 ms and twice as
     * long each time up to the interval, and logged only once that reaches the interval: the
     * application that starts the engine may not be usable yet. On Payara the application's
     * {@code @Initialized(ApplicationScoped)} comes before its {@code java:comp/env} is bound, so
     * the store's persistence context cannot be injected (not even on the starting thread) until
     * the deployment completes a moment later; a first pass at a fixed time would either warn at
     * every start and leave recovery for one whole interval, or guess how long a deployment takes.
     */
    void start() {
        stopped = false;
        running = true;
        schedule(0, FIRST_RETRY_MILLIS);
    }

    private synchronized void schedule(long delayMillis, long retryMillis) {
        if (stopped) {
            return;
        }
        try {
            maintenance = services.scheduler().schedule(() -> pass(retryMillis), delayMillis, TimeUnit.MILLISECONDS);
            refused = false;
        } catch (RejectedExecutionException e) { // the container shuts the scheduler down before the engine
            refused = true;
            LOG.log(Level.FINE, Messages.maintenanceFailed(e), e);
        }
    }

    /**
     * One scheduled pass; schedules the next whatever it throws, an {@link Error} included: a node
     * whose maintenance stopped would go on running its flows without renewing their leases.
     */
    private void pass(long retryMillis) {
        long every = Math.max(1, services.settings().maintenanceInterval().toMillis());
        long next = every;
        long retry = every;
        passStarted = services.clock().instant();
        try {
            maintain();
            lastPassEnded = services.clock().instant();
            started = true;
        } catch (RuntimeException e) {
            if (stopped || !started && retryMillis < every) { // the engine closed under the pass, or is starting
                LOG.log(Level.FINE, Messages.maintenanceFailed(e), e);
                next = retryMillis;
                retry = retryMillis * 2;
            } else {
                LOG.log(Level.WARNING, Messages.maintenanceFailed(e), e);
            }
        } catch (Error e) {
            LOG.log(Level.WARNING, Messages.maintenanceFailed(e), e);
            throw e;
        } finally {
            passStarted = null;
            schedule(next, retry);
        }
    }

    /** @return how maintenance stands: whether it runs, and when its last good pass ended */
    MaintenanceStatus status() {
        boolean on = running;
        return new MaintenanceStatus(
                on,
                on && refused,
                started,
                lastPassEnded,
                services.settings().maintenanceInterval(),
                passStarted,
                services.settings().leaseDuration());
    }

    /** Stops maintenance and drops the retries that have not started; their runs are left for recovery. */
    void stop() {
        synchronized (this) { // no pass schedules another after this
            stopped = true;
            running = false;
            ScheduledFuture<?> m = maintenance;
            if (m != null) {
                m.cancel(false);
            }
        }
        for (Execution<?, ?> e : registry.active()) {
            e.cancelPendingRetry();
        }
    }
}
