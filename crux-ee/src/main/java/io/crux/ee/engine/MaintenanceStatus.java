package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * How this node's maintenance (lease renewal, recovery of orphaned runs, expiry) stands, for
 * health checks and operators. Immutable.
 *
 * @param started whether {@link FlowEngine#startMaintenance()} was called and the engine is not closed
 * @param stalled whether it was started but the scheduler refused its next pass, so that no pass
 *     will run again: this node would go on running its flows without renewing their leases
 * @param firstPassFinished whether a pass has succeeded since maintenance started
 * @param lastPassEnded when the last successful pass ended, or {@code null} before the first
 * @param interval the time between passes ({@code crux.maintenance-interval})
 * @param passStarted when the pass that is running now started, or {@code null} when none runs
 * @param leaseDuration how long a run stays claimed without renewal ({@code crux.lease-duration})
 */
public record MaintenanceStatus(
        boolean started,
        boolean stalled,
        boolean firstPassFinished,
        Instant lastPassEnded,
        Duration interval,
        Instant passStarted,
        Duration leaseDuration) {

    /** A status with no pass running, whose lease is three intervals. */
    public MaintenanceStatus(
            boolean started, boolean stalled, boolean firstPassFinished, Instant lastPassEnded, Duration interval) {
        this(started, stalled, firstPassFinished, lastPassEnded, interval, null, interval.multipliedBy(3));
    }

    /**
     * @param now the current time
     * @return whether no pass has succeeded for more than twice the interval before {@code now}
     *     (or none at all yet): leases are not being renewed, nor orphaned runs recovered
     */
    public boolean overdue(Instant now) {
        return lastPassEnded == null
                || lastPassEnded.plus(interval.multipliedBy(2)).isBefore(now);
    }

    /** @return how long a pass may run before it counts as hung: three intervals, or the lease if longer */
    public Duration hangLimit() {
        Duration three = interval.multipliedBy(3);
        return leaseDuration != null && leaseDuration.compareTo(three) > 0 ? leaseDuration : three;
    }

    /**
     * @param now the current time
     * @return whether the running pass has run longer than {@link #hangLimit()}: it will not end by
     *     itself, and no other pass starts while it runs
     */
    public boolean hung(Instant now) {
        return passStarted != null && passStarted.plus(hangLimit()).isBefore(now);
    }
}
