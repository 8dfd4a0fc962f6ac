package io.crux.ee.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Makes waits take no time: a task scheduled after a delay moves the test clock forward by the
 * delay and runs at once, in call order, on one thread of the kit (the test's thread waits for the
 * run meanwhile, so only one thing runs at a time). Periodic tasks are recorded and never run. The
 * delays are kept for assertions.
 */
final class InstantScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestClock clock;
    private final List<Duration> delays = new ArrayList<>();
    private final ThreadPoolExecutor runner;

    InstantScheduler(TestClock clock) {
        this.clock = clock;
        this.runner = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "crux-test-scheduler");
            t.setDaemon(true);
            return t;
        });
        runner.allowCoreThreadTimeOut(true);
    }

    /** A task that ran (or will run) without waiting. */
    private static final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        Task(Callable<V> callable) {
            super(callable);
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    List<Duration> delays() {
        synchronized (delays) {
            return List.copyOf(delays);
        }
    }

    private <V> ScheduledFuture<V> now(Callable<V> callable, long delay, TimeUnit unit) {
        Duration wait = Duration.ofNanos(unit.toNanos(delay));
        synchronized (delays) {
            delays.add(wait);
        }
        clock.advance(wait);
        Task<V> task = new Task<>(callable);
        runner.execute(task);
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return now(Executors.callable(command, null), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return now(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return new Task<>(Executors.callable(command, null));
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return new Task<>(Executors.callable(command, null));
    }

    @Override
    public void execute(Runnable command) {
        if (runner.isShutdown()) {
            throw new RejectedExecutionException("the test's scheduler is shut down");
        }
        runner.execute(command);
    }

    @Override
    public void shutdown() {
        runner.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return runner.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return runner.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return runner.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return runner.awaitTermination(timeout, unit);
    }
}
