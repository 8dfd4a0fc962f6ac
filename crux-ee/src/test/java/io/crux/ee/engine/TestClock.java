package io.crux.ee.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until the test moves it. Thread-safe. */
final class TestClock extends Clock {

    static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    TestClock() {
        this(START);
    }

    TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** @param by how far to move the clock forward */
    Instant advance(Duration by) {
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
