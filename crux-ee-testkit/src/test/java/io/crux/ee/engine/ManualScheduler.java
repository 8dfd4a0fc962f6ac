package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.crux.ee.testkit.TestClock;

/**
 * A deterministic {@link ScheduledExecutorService}: it records every {@code schedule} call with its
 * delay and runs a task only when the test calls {@link #runNext()} or {@link #runAll()}, on the
 * calling thread, after moving the engine's clock to the task's due time, as time would have
 * passed. Periodic tasks are recorded and never run. Thread-safe.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final Object lock = new Object();
    private final TestClock clock;
    private final Deque<Task<?>> queue = new ArrayDeque<>();
    private final List<Task<?>> scheduled = new ArrayList<>();
    private final List<Task<?>> periodic = new ArrayList<>();
    private boolean shutdown;

    /** @param clock the engine's clock, moved to each task's due time before it runs */
    ManualScheduler(TestClock clock) {
        this.clock = clock;
    }

    /** A recorded task; it runs only when the test drives the scheduler. */
    static final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        private final Duration delay;
        private final Instant due;

        Task(Callable<V> callable, Duration delay, Instant due) {
            super(callable);
            this.delay = delay;
            this.due = due;
        }

        Duration delay() {
            return delay;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delay.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
        }
    }

    // ---------------------------------------------------------------- driving

    /**
     * Runs the oldest pending task on this thread; cancelled tasks are dropped.
     *
     * @return whether a task ran
     */
    boolean runNext() {
        Task<?> next;
        synchronized (lock) {
            do {
                next = queue.pollFirst();
            } while (next != null && next.isCancelled());
        }
        if (next == null) {
            return false;
        }
        if (clock.instant().isBefore(next.due)) {
            clock.advance(Duration.between(clock.instant(), next.due));
        }
        next.run();
        return true;
    }

    /**
     * Runs pending tasks, including those they schedule, until none is left.
     *
     * @return how many ran
     */
    int runAll() {
        int ran = 0;
        while (runNext()) {
            if (++ran > 10_000) {
                throw new IllegalStateException("runAll did not settle after 10000 tasks");
            }
        }
        return ran;
    }

    /**
     * Waits (without sleeping) until at least {@code count} one-shot tasks were scheduled in total.
     *
     * @param count the number of schedule calls to wait for
     * @param timeout the longest wait
     */
    void awaitScheduled(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (scheduled.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " scheduled tasks within " + timeout + " but saw "
                            + scheduled.size());
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** @return the delays of every one-shot {@code schedule} call, in call order */
    List<Duration> delays() {
        synchronized (lock) {
            return scheduled.stream().map(Task::delay).toList();
        }
    }

    /** @return every one-shot task scheduled so far, in call order */
    List<Task<?>> scheduledTasks() {
        synchronized (lock) {
            return List.copyOf(scheduled);
        }
    }

    /** @return the periodic tasks recorded (never run) */
    List<Task<?>> periodicTasks() {
        synchronized (lock) {
            return List.copyOf(periodic);
        }
    }

    /** @return how many tasks wait to run and are not cancelled */
    int pendingCount() {
        synchronized (lock) {
            return (int) queue.stream().filter(t -> !t.isCancelled()).count();
        }
    }

    // ---------------------------------------------------------------- ScheduledExecutorService

    private <V> Task<V> enqueue(Callable<V> callable, long delay, TimeUnit unit) {
        Duration wait = Duration.ofNanos(unit.toNanos(delay));
        Task<V> task = new Task<>(callable, wait, clock.instant().plus(wait));
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("ManualScheduler is shut down");
            }
            queue.addLast(task);
            scheduled.add(task);
            lock.notifyAll();
        }
        return task;
    }

    private Task<Void> recordPeriodic(Runnable command, long period, TimeUnit unit) {
        Task<Void> task =
                new Task<>(Executors.callable(command, null), Duration.ofNanos(unit.toNanos(period)), clock.instant());
        synchronized (lock) {
            if (shutdown) {
                throw new RejectedExecutionException("ManualScheduler is shut down");
            }
            periodic.add(task);
        }
        return task;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return enqueue(Executors.callable(command, null), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return enqueue(callable, delay, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        return recordPeriodic(command, period, unit);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        return recordPeriodic(command, delay, unit);
    }

    @Override
    public void execute(Runnable command) {
        enqueue(Executors.callable(command, null), 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        synchronized (lock) {
            shutdown = true;
        }
    }

    @Override
    public List<Runnable> shutdownNow() {
        synchronized (lock) {
            shutdown = true;
            List<Runnable> left = new ArrayList<>(queue);
            queue.clear();
            return left;
        }
    }

    @Override
    public boolean isShutdown() {
        synchronized (lock) {
            return shutdown;
        }
    }

    @Override
    public boolean isTerminated() {
        return isShutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isShutdown();
    }
}
