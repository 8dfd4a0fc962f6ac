package io.crux.ee.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until it is moved. The kit's runs use one and move it past
 * every retry wait; tests of code that takes a {@link Clock} (leases, expiries, timestamps) can use
 * one to control time without waiting. Always in UTC.
 *
 * <pre>{@code
 * TestClock clock = new TestClock(FlowTest.START);
 * clock.advance(Duration.ofSeconds(30)); // a lease of 30 seconds has now run out
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> now;

    /**
     * @param start the instant the clock shows until it is first moved
     */
    public TestClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /**
     * Moves the clock.
     *
     * @param by how far forward (a negative duration moves it back)
     * @return the new time
     */
    public Instant advance(Duration by) {
        Objects.requireNonNull(by, "by");
        return now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
