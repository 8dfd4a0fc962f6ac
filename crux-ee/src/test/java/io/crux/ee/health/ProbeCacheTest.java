package io.crux.ee.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** One database probe in flight, and a recent result given again. */
class ProbeCacheTest {

    private static DatabaseProbe result(String name) {
        return new DatabaseProbe(name, List.of(), null);
    }

    @Test
    void aResultYoungerThanASecondIsGivenAgain() {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T01:00:00Z"));
        ProbeCache cache = new ProbeCache(now::get);
        AtomicInteger probes = new AtomicInteger();

        DatabaseProbe first = cache.get(() -> result("first " + probes.incrementAndGet()));
        now.set(now.get().plusMillis(999));
        DatabaseProbe again = cache.get(() -> result("second " + probes.incrementAndGet()));
        now.set(now.get().plus(Duration.ofMillis(1)));
        DatabaseProbe fresh = cache.get(() -> result("third " + probes.incrementAndGet()));

        assertThat(again).isSameAs(first);
        assertThat(fresh.database()).isEqualTo("third 2");
        assertThat(probes).hasValue(2);
    }

    @Test
    void aCallerThatComesWhileAProbeRunsGetsTheLastResult() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T01:00:00Z"));
        ProbeCache cache = new ProbeCache(now::get);
        DatabaseProbe old = cache.get(() -> result("old"));
        now.set(now.get().plusSeconds(5));
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        CompletableFuture<DatabaseProbe> slow = CompletableFuture.supplyAsync(() -> cache.get(() -> {
            probing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return result("new");
        }));
        assertThat(probing.await(10, TimeUnit.SECONDS)).isTrue();

        DatabaseProbe meanwhile = cache.get(() -> {
            throw new AssertionError("a second probe ran while one was in flight");
        });
        release.countDown();

        assertThat(meanwhile).isSameAs(old);
        assertThat(slow.get(10, TimeUnit.SECONDS).database()).isEqualTo("new");
    }
}
