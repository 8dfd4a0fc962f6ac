package io.crux.ee.persistence;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongUnaryOperator;

/**
 * Combines increments of one key that threads of this server make at the same time into one
 * write: while one write of a key runs, the increments that arrive wait, and the next write adds
 * their sum. Each caller still gets its own value after its own increment (the values of one write
 * are handed out in arrival order), and every increment is applied exactly once: a hot counter
 * costs one statement per round of waiting callers instead of one per caller, and callers queue
 * here instead of on the database's row lock.
 *
 * <p>Writers take turns: the caller that finds no write running writes for everything queued,
 * then hands the turn to the first caller that arrived meanwhile. A failed write fails the calls it
 * carried, and only those.
 *
 * <p>A write that throws must have applied nothing (the store verifies an ambiguous commit before it
 * throws). So a writer's own interruption fails only the writer's call: an interrupt that came
 * before its turn is held back while it writes, and when one comes during the write and fails it,
 * the other calls it carried go back to the head of the queue and the next writer writes them.
 */
final class IncrementCombiner {

    /** The answer that makes a waiting caller the next writer. */
    private static final Object YOUR_TURN = new Object();

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** The increments of one key: those waiting, and whether a write runs. */
    private static final class Slot {
        final ArrayDeque<Call> queue = new ArrayDeque<>();
        boolean writing;
    }

    private record Call(long delta, CompletableFuture<Object> answer) {}

    /**
     * @param key the document and key the increment changes
     * @param delta the amount to add
     * @param write adds a sum in one write and returns the value after it
     * @return the value after this call's increment
     */
    long add(String key, long delta, LongUnaryOperator write) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Call call = new Call(delta, new CompletableFuture<>());
        boolean writer;
        synchronized (slot) {
            slot.queue.add(call);
            writer = !slot.writing;
            slot.writing = true;
        }
        if (!writer) {
            Object answer = answer(call);
            if (answer != YOUR_TURN) {
                return (Long) answer;
            }
        }
        List<Call> batch;
        synchronized (slot) {
            batch = new ArrayList<>(slot.queue); // this call and every one that came while the last write ran
            slot.queue.clear();
        }
        // the write is for the others too: an interrupt of this caller must not break it
        boolean interrupted = Thread.interrupted();
        try {
            long sum = 0;
            for (Call c : batch) {
                sum = Math.addExact(sum, c.delta());
            }
            long value = write.applyAsLong(sum) - sum;
            long mine = 0;
            for (Call c : batch) {
                value += c.delta();
                if (c == call) {
                    mine = value;
                } else {
                    c.answer().complete(value);
                }
            }
            return mine;
        } catch (RuntimeException | Error e) {
            if (Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
                // interrupted while writing: the failure is this caller's own, and nothing was applied
                synchronized (slot) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        if (batch.get(i) != call) {
                            slot.queue.addFirst(batch.get(i));
                        }
                    }
                }
            } else {
                batch.stream().filter(c -> c != call).forEach(c -> c.answer().completeExceptionally(e));
            }
            throw e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            synchronized (slot) {
                Call next = slot.queue.peek();
                if (next == null) {
                    slot.writing = false;
                    slots.remove(key, slot);
                } else {
                    next.answer().complete(YOUR_TURN);
                }
            }
        }
    }

    /** Whether a failure comes from an interrupt that the failing code consumed. */
    private static boolean causedByInterrupt(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException
                    || t instanceof java.io.InterruptedIOException
                    || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /** @return how many calls of a key wait for the next write, for tests */
    int waiting(String key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return 0;
        }
        synchronized (slot) {
            return slot.queue.size();
        }
    }

    /**
     * Waits for a call's answer: its value, the turn to write, or its failure (thrown). An interrupt
     * does not end the wait: the call is queued and will be applied, and a turn must be taken, or
     * the calls behind it would wait for good. It waits as long as one write, as a JDBC call would.
     */
    private static Object answer(Call call) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return call.answer().get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
