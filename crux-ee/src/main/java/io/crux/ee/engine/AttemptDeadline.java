package io.crux.ee.engine;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The timeout of one step attempt that runs on the run's own thread: when the timeout passes, the
 * thread is interrupted; {@link #stop()} says whether the attempt outlived its timeout, and takes
 * back the interrupt it set.
 *
 * <p>The attempt stays on the run's thread so that it never waits for a second thread of the
 * managed executor: a server's executor can be as small as a few threads (WildFly's default is sized
 * from the processors), and runs that each held one thread while their attempts waited in the queue
 * behind them would all time out without having run. The timer is the JDK's shared delay thread
 * ({@link CompletableFuture#orTimeout}), which forgets a deadline as soon as the attempt ends: the
 * container's scheduled executor may have few threads, busy with the node's maintenance, and the
 * test kit's scheduler makes every wait instant.
 */
final class AttemptDeadline {

    private final Thread thread = Thread.currentThread();
    private final long began = System.nanoTime();
    private final long timeoutNanos;
    private final CompletableFuture<Void> timer = new CompletableFuture<>();

    /** Guarded by this: whether the interrupt was sent, and whether the attempt ended. */
    private boolean fired;

    private boolean stopped;

    private AttemptDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Starts the deadline of an attempt that runs on the calling thread. */
    static AttemptDeadline start(Duration timeout) {
        AttemptDeadline deadline = new AttemptDeadline(timeout);
        // the JDK starts its delay thread at the first timer of the JVM, as a child of the thread
        // that sets it: at least without the application's class loader as its context loader,
        // which it would otherwise keep for as long as the JVM lives, past an undeployment
        ClassLoader loader = deadline.thread.getContextClassLoader();
        deadline.thread.setContextClassLoader(null);
        try {
            deadline.timer
                    .orTimeout(deadline.timeoutNanos, TimeUnit.NANOSECONDS)
                    .whenComplete((ignored, failure) -> {
                        if (failure instanceof TimeoutException) {
                            deadline.fire();
                        }
                    });
        } finally {
            deadline.thread.setContextClassLoader(loader);
        }
        return deadline;
    }

    private synchronized void fire() {
        if (!stopped) {
            fired = true;
            thread.interrupt();
        }
    }

    /**
     * Ends the deadline, on the attempt's thread, when the attempt returned or threw.
     *
     * @return whether the attempt outlived its timeout (it was interrupted, or it returned late)
     */
    boolean stop() {
        timer.complete(null); // forgets the deadline if it has not passed
        synchronized (this) {
            stopped = true;
            if (fired) {
                Thread.interrupted(); // this deadline's interrupt, not a cancel's
            }
            return fired || System.nanoTime() - began >= timeoutNanos;
        }
    }
}
