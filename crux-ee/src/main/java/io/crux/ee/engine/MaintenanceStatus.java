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
 */
public record MaintenanceStatus(
        boolean started, boolean stalled, boolean firstPassFinished, Instant lastPassEnded, Duration interval) {

    /**
     * @param now the current time
     * @return whether no pass has succeeded for more than twice the interval before {@code now}
     *     (or none at all yet): leases are not being renewed, nor orphaned runs recovered
     */
    public boolean overdue(Instant now) {
        return lastPassEnded == null
                || lastPassEnded.plus(interval.multipliedBy(2)).isBefore(now);
    }
}
