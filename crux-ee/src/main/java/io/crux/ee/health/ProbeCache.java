package io.crux.ee.health;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps the database probe to one in flight: a caller that comes while a probe runs gets the last
 * result instead of a connection of its own, and a result younger than {@link #MAX_AGE} is given
 * again. Only the first call of all waits for a probe that another caller runs. Thread-safe.
 */
final class ProbeCache {

    /** How long a result is given again without probing. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);

    private final Supplier<Instant> clock;
    private final ReentrantLock inFlight = new ReentrantLock();
    private volatile DatabaseProbe last;
    private volatile Instant lastAt;

    ProbeCache(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /**
     * @param probe runs the probe
     * @return a fresh result, or the last one while another caller probes or when it is recent
     */
    DatabaseProbe get(Supplier<DatabaseProbe> probe) {
        DatabaseProbe recent = recent();
        if (recent != null) {
            return recent;
        }
        if (!inFlight.tryLock()) {
            DatabaseProbe previous = last;
            if (previous != null) {
                return previous;
            }
            inFlight.lock(); // nothing to give yet: wait for the first probe
        }
        try {
            recent = recent();
            if (recent != null) {
                return recent;
            }
            DatabaseProbe result = probe.get();
            last = result;
            lastAt = clock.get();
            return result;
        } finally {
            inFlight.unlock();
        }
    }

    private DatabaseProbe recent() {
        DatabaseProbe result = last;
        Instant at = lastAt;
        if (result == null || at == null) {
            return null;
        }
        Duration age = Duration.between(at, clock.get());
        return age.isNegative() || age.compareTo(MAX_AGE) >= 0 ? null : result;
    }
}
