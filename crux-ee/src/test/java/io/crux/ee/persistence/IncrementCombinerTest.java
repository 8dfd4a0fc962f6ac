package io.crux.ee.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Increments of one key that arrive while a write runs go out together in the next write; every
 * caller gets its own value, every increment is applied once, and a failed write fails only the
 * calls it carried.
 */
class IncrementCombinerTest {

    private final IncrementCombiner combiner = new IncrementCombiner();
    private final AtomicLong stored = new AtomicLong();
    private final List<Long> writes = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** A write of the stored counter that waits for {@code release} when it carries {@code blockedSum}. */
    private long write(long sum, long blockedSum, CountDownLatch entered, CountDownLatch release) {
        if (sum == blockedSum) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        writes.add(sum);
        return stored.addAndGet(sum);
    }

    @Test
    void callsThatArriveDuringAWriteShareTheNextWriteAndGetTheirOwnValues() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = pool.submit(() -> combiner.add("k", 100, sum -> write(sum, 100, entered, release)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        List<Future<Long>> waiting = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            long delta = i;
            waiting.add(pool.submit(() -> combiner.add("k", delta, sum -> write(sum, 100, entered, release))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 5);
        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(100);
        List<Long> values = new ArrayList<>();
        for (Future<Long> f : waiting) {
            values.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(writes).containsExactly(100L, 15L);
        assertThat(stored.get()).isEqualTo(115);
        // one serial order of the five: each value is the one before plus the call's own delta
        List<Long> sorted = values.stream().sorted().toList();
        assertThat(sorted.get(sorted.size() - 1)).isEqualTo(115);
        assertThat(values).doesNotHaveDuplicates().allSatisfy(v -> assertThat(v).isBetween(101L, 115L));
        long sumOfSteps = 0;
        long previous = 100;
        for (long v : sorted) {
            sumOfSteps += v - previous;
            previous = v;
        }
        assertThat(sumOfSteps).isEqualTo(15);
        assertThat(combiner.waiting("k")).isZero();
    }

    @Test
    void aFailedWriteFailsItsOwnCallsOnlyAndTheTurnGoesOn() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = pool.submit(() -> combiner.add("k", 10, sum -> {
            write(sum, 10, entered, release);
            throw new IllegalStateException("the database is gone");
        }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Long> second = pool.submit(() -> combiner.add("k", 1, sum -> write(sum, -1, entered, release)));
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 1);
        release.countDown();

        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the database is gone");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(11);
        assertThat(writes).containsExactly(10L, 1L);
    }

    @Test
    void anInterruptedCallerStillGetsItsValueAndPassesTheTurnOn() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = pool.submit(() -> combiner.add("k", 1, sum -> write(sum, 1, entered, release)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        List<Object> seen = new CopyOnWriteArrayList<>();
        Thread impatient = new Thread(() -> {
            seen.add(combiner.add("k", 2, sum -> write(sum, 1, entered, release)));
            seen.add(Thread.currentThread().isInterrupted());
        });
        impatient.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 1);
        impatient.interrupt();
        release.countDown();
        impatient.join(10_000);

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(seen).containsExactly(3L, true);
        assertThat(combiner.add("k", 4, sum -> write(sum, 1, entered, release))).isEqualTo(7);
    }

    /** A write as a JDBC driver makes it: it fails, and applies nothing, on a thread that is interrupted. */
    private long interruptibleWrite(long sum) {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("the connection refuses work on an interrupted thread");
        }
        writes.add(sum);
        return stored.addAndGet(sum);
    }

    @Test
    void anInterruptedWriterStillWritesForTheCallsItCarries() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = pool.submit(() -> combiner.add("k", 1, sum -> write(sum, 1, entered, release)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        // the second caller writes next, for itself and the third; it is interrupted while it waits
        List<Object> seen = new CopyOnWriteArrayList<>();
        Thread interrupted = new Thread(() -> {
            seen.add(combiner.add("k", 10, this::interruptibleWrite));
            seen.add(Thread.currentThread().isInterrupted());
        });
        interrupted.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 1);
        Future<Long> third = pool.submit(() -> combiner.add("k", 100, this::interruptibleWrite));
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 2);
        interrupted.interrupt();
        release.countDown();
        interrupted.join(10_000);

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(111);
        assertThat(seen).containsExactly(11L, true);
        assertThat(writes).containsExactly(1L, 110L);
        assertThat(stored.get()).isEqualTo(111);
    }

    @Test
    void aWriterInterruptedDuringItsWriteFailsAloneAndTheOthersAreWrittenNext() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> first = pool.submit(() -> combiner.add("k", 1, sum -> write(sum, 1, entered, release)));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch interruptedNow = new CountDownLatch(1);
        List<Object> seen = new CopyOnWriteArrayList<>();
        // the second caller's write is interrupted while it runs: the driver fails it, nothing applied
        Thread interrupted = new Thread(() -> {
            try {
                seen.add(combiner.add("k", 10, sum -> {
                    writing.countDown();
                    try {
                        interruptedNow.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("the statement was interrupted", e);
                    }
                    return interruptibleWrite(sum);
                }));
            } catch (IllegalStateException e) {
                seen.add(e.getMessage());
            }
        });
        interrupted.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 1);
        Future<Long> third = pool.submit(() -> combiner.add("k", 100, this::interruptibleWrite));
        await().atMost(Duration.ofSeconds(10)).until(() -> combiner.waiting("k") == 2);
        release.countDown();
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        interrupted.interrupt();
        interrupted.join(10_000);

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(seen).containsExactly("the statement was interrupted");
        assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(101);
        assertThat(writes).containsExactly(1L, 100L);
        assertThat(stored.get()).isEqualTo(101);
    }
}
