package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class StreamThreadsTest {

    @Test
    void aThreadThatWroteAStreamWritesTheNextNamedForIt() throws Exception {
        AtomicInteger made = new AtomicInteger();
        StreamThreads threads = new StreamThreads(r -> {
            made.incrementAndGet();
            return new Thread(r, "idle");
        });
        try {
            AtomicReference<String> first = new AtomicReference<>();
            CountDownLatch one = new CountDownLatch(1);
            assertThat(threads.start("crux-stream a", () -> {
                        first.set(Thread.currentThread().getName());
                        one.countDown();
                    }))
                    .isTrue();
            assertThat(one.await(5, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(100); // the first stream's thread is idle again
            AtomicReference<String> second = new AtomicReference<>();
            CountDownLatch two = new CountDownLatch(1);
            threads.start("crux-stream b", () -> {
                second.set(Thread.currentThread().getName());
                two.countDown();
            });
            assertThat(two.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(first.get()).isEqualTo("crux-stream a");
            assertThat(second.get()).isEqualTo("crux-stream b");
            assertThat(made.get()).isEqualTo(1);
        } finally {
            threads.close();
        }
    }

    @Test
    void streamsThatRunTogetherEachHaveAThread() throws Exception {
        StreamThreads threads = new StreamThreads(Thread::new);
        CountDownLatch all = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (int i = 0; i < 3; i++) {
                threads.start("s" + i, () -> {
                    all.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            assertThat(all.await(5, TimeUnit.SECONDS)).isTrue(); // none waited for another to end
        } finally {
            release.countDown();
            threads.close();
        }
    }

    @Test
    void aFactoryWithoutThreadsRefusesTheStream() {
        StreamThreads threads = new StreamThreads(r -> null);
        assertThat(threads.start("s", () -> {})).isFalse();
        threads.close();
        StreamThreads closed = new StreamThreads(Thread::new);
        closed.close();
        assertThat(closed.start("s", () -> {})).isFalse();
    }
}
