package io.crux.ee.engine;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

import io.crux.ee.api.CancellationToken;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;

/**
 * Whether and why a run stops on this node, and the threads and pending task a stop reaches: the
 * thread that executes the body, the block branches' threads, and the scheduled retry. Its
 * methods tell the caller when the run must end at once because nothing executes it.
 */
final class RunCancellation implements CancellationToken {

    private final String flowId;
    private final Object lock = new Object();
    private final Set<Thread> branchThreads = ConcurrentHashMap.newKeySet();
    private Thread thread;
    private Future<?> pending;
    private volatile boolean cancelled;
    private volatile String cancelReason;
    /** Whether the run's own code cancelled it, before any caller did: its end then tells of the cancel. */
    private volatile boolean byRun;
    /** Why this node stopped executing the run: it no longer holds it. Nothing more is written then. */
    private volatile LeaseLostException lost;

    RunCancellation(String flowId) {
        this.flowId = flowId;
    }

    /**
     * The calling thread starts an execution of the body.
     *
     * @param done the run's outcome
     * @return false if the run has ended already, and the body must not run
     */
    boolean enter(CompletableFuture<?> done) {
        synchronized (lock) {
            if (done.isDone()) {
                return false;
            }
            thread = Thread.currentThread();
            pending = null;
            return true;
        }
    }

    /** The calling thread has ended its execution of the body. */
    void exit() {
        synchronized (lock) {
            if (thread == Thread.currentThread()) {
                thread = null; // a retry that already started elsewhere keeps its own reference
            }
            Thread.interrupted(); // a cancel that came after the body ended must not leak to the pool
        }
    }

    void setPending(Future<?> future) {
        synchronized (lock) {
            pending = future;
        }
    }

    /**
     * Puts {@code next} in the place of the pending task {@code current}, unless a cancel or a stop
     * took {@code current} first (a task that runs can still be cancelled: it then must not go on).
     *
     * @return whether {@code next} is now the pending task, which the caller may start
     */
    boolean handOver(Future<?> current, Future<?> next) {
        synchronized (lock) {
            if (pending != current || current.isCancelled()) {
                return false;
            }
            pending = next;
            return true;
        }
    }

    /** A thread of the executor starts working on block branches. */
    void branchStarted(Thread branch) {
        branchThreads.add(branch);
    }

    /** That thread is done with the branches; a cancel interrupts branch threads under the lock, so none can come after this. */
    void branchEnded(Thread branch) {
        synchronized (lock) {
            branchThreads.remove(branch);
            Thread.interrupted(); // a cancel aimed at the run must not leak to the pool
        }
    }

    /**
     * Cancels the run from outside: interrupts its threads, or cancels its pending task.
     *
     * @return whether the run must end here, as nothing executes it now
     */
    boolean cancelFromOutside(String reason) {
        synchronized (lock) {
            byRun = false;
            cancelReason = reason;
            cancelled = true;
            branchThreads.forEach(Thread::interrupt);
            if (thread != null) {
                thread.interrupt();
                return false;
            }
            return pending != null && pending.cancel(false);
        }
    }

    /**
     * This node no longer holds the run: it stops as a cancel would stop it.
     *
     * @return whether the run must stop here, as nothing executes it now
     */
    boolean loseLease(LeaseLostException why) {
        synchronized (lock) {
            if (lost == null) {
                lost = why;
            }
            cancelled = true;
            Thread self = Thread.currentThread();
            branchThreads.stream().filter(t -> t != self).forEach(Thread::interrupt);
            if (thread != null) {
                if (thread != self) {
                    thread.interrupt();
                }
                return false;
            }
            return pending != null && pending.cancel(false);
        }
    }

    /** Another caller cancelled the run, as a write of this node found. */
    void cancelledElsewhere(String reason) {
        synchronized (lock) {
            byRun = false;
            if (!cancelled) {
                cancelReason = reason;
                cancelled = true;
            }
        }
    }

    /** @return whether a retry that has not started was dropped */
    boolean dropPendingRetry() {
        synchronized (lock) {
            return pending != null && thread == null && pending.cancel(false);
        }
    }

    /** @return whether the run's own code cancelled it, and no caller did */
    boolean byRun() {
        return byRun;
    }

    /** @return why this node no longer holds the run, or null while it does */
    LeaseLostException lost() {
        return lost;
    }

    void lost(LeaseLostException why) {
        lost = why;
    }

    /** The run's own code cancels it: the body unwinds. */
    void cancel(String reason) {
        synchronized (lock) {
            byRun = !cancelled;
            cancelReason = reason;
            cancelled = true;
        }
        throw new Interrupt.Cancel();
    }

    /** Unwinds the body if the run was cancelled. */
    void unwindIfCancelled() {
        if (cancelled) {
            throw new Interrupt.Cancel();
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public String reason() {
        return cancelReason;
    }

    @Override
    public void throwIfCancelled() {
        if (cancelled) {
            throw new FlowCancelledException(Messages.cancelled(flowId, cancelReason), flowId, cancelReason);
        }
    }
}
