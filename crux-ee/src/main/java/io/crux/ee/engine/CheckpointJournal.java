package io.crux.ee.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.LeaseLostException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.Payload;

/**
 * The checkpoints of one run: finds the recorded ones for replay, by position for a plain body and
 * by logical path for a block run, and records new ones durably. The body may execute several
 * times; each execution starts counting positions and occurrences afresh ({@link #restart()}).
 */
final class CheckpointJournal {

    private static final Logger LOG = Logger.getLogger(CheckpointJournal.class.getName());

    private final EngineServices services;
    private final FlowModel flow;
    private final String flowId;
    private final HeldWrites held;
    private final RunCancellation cancellation;

    /** The recorded checkpoints by position: nested or parallel code records them out of order. */
    private final Map<Integer, CheckpointRecord> recorded = new ConcurrentHashMap<>();

    private final Map<Integer, Object> values = Collections.synchronizedMap(new HashMap<>());
    private final Map<String, Object> results = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Integer> occurrences = new ConcurrentHashMap<>();
    private int position;

    // Block runs find their checkpoints by logical path instead of by position: branches that run at
    // the same time record in any order, so a new checkpoint takes the next free slot.
    private final Map<String, CheckpointRecord> keyedSteps = new ConcurrentHashMap<>();
    private final Map<String, List<CheckpointRecord>> keyedMarks = new ConcurrentHashMap<>();
    private final AtomicInteger nextSlot = new AtomicInteger();
    /**
     * The checkpoints recorded on a thread inside a transactional step's attempt: the transaction
     * may still roll back, so they are remembered (and replayed) only once it has committed.
     */
    private final Map<Thread, List<CheckpointRecord>> uncommitted = new ConcurrentHashMap<>();

    /**
     * @param recorded the checkpoints stored so far
     * @param held where checkpoint writes go through: checks that this node still holds the run
     */
    CheckpointJournal(
            EngineServices services,
            FlowModel flow,
            String flowId,
            List<CheckpointRecord> recorded,
            HeldWrites held,
            RunCancellation cancellation) {
        this.services = services;
        this.flow = flow;
        this.flowId = flowId;
        this.held = held;
        this.cancellation = cancellation;
        for (CheckpointRecord c : recorded) {
            this.recorded.put(c.position(), c);
            index(c);
        }
    }

    /** A new execution of the body: positions, occurrences and results start again. */
    void restart() {
        position = 0;
        results.clear();
        occurrences.clear();
    }

    /** @return the next position of the plain body */
    int nextPosition() {
        return position++;
    }

    /** @return the next free slot of a block run */
    int nextSlot() {
        return nextSlot.getAndIncrement();
    }

    /** @return how many times {@code key} was counted in this execution of the body, this time included */
    int count(String key) {
        return occurrences.merge(key, 1, Integer::sum);
    }

    /** @return how many times the path was counted by {@link #occurrence} in this execution of the body */
    int seen(String path) {
        return occurrences.getOrDefault("path:" + path, 0);
    }

    /** The label of the n-th occurrence of a path in this execution of the body: the path, then path#2, path#3... */
    String occurrence(String path) {
        int n = count("path:" + path);
        return n == 1 ? path : path + "#" + n;
    }

    /** @return the outputs of the steps so far, by label */
    Map<String, Object> results() {
        synchronized (results) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(results));
        }
    }

    void result(String label, Object value) {
        results.put(label, value);
    }

    // ---------------------------------------------------------------- replay

    /** @return the checkpoint recorded at {@code pos}, or null; it must be of this kind and label */
    CheckpointRecord recordedAt(int pos, CheckpointKind kind, String label) {
        CheckpointRecord c = recorded.get(pos);
        if (c == null) {
            return null;
        }
        if (c.kind() != kind || !c.label().equals(label)) {
            throw new FlowChangedException(
                    Messages.flowChanged(flowId, pos, describe(c.kind()), c.label(), describe(kind), label),
                    flowId,
                    label,
                    pos,
                    c.label());
        }
        return c;
    }

    private static String describe(CheckpointKind kind) {
        return switch (kind) {
            case STEP -> "step";
            case SIGNAL -> "suspension";
            case WAIT -> "waitUntil";
            case EMIT -> "emit";
        };
    }

    /** @return the step checkpoint of a block run with this path, or null */
    CheckpointRecord keyedStep(String label) {
        return keyedSteps.get(label);
    }

    /**
     * The signal, wait or emit checkpoint of a block run for this call: the n-th call with a label
     * in this execution of the body finds the n-th checkpoint with it. Calls with one label come
     * from one lane (suspension names are qualified by their branch), so n does not depend on how
     * branches interleave.
     */
    CheckpointRecord recordedMark(CheckpointKind kind, String label) {
        int n = count(kind + ":" + label);
        List<CheckpointRecord> marks = keyedMarks.get(kind + ":" + label);
        if (marks == null) {
            return null;
        }
        synchronized (marks) {
            return n <= marks.size() ? marks.get(n - 1) : null;
        }
    }

    /** A recorded checkpoint's value, decoded once and converted to {@code type} unless that is null. */
    @SuppressWarnings("unchecked")
    <T> T valueOf(CheckpointRecord c, Class<T> type) {
        Object value = values.get(c.position());
        if (value == null && !values.containsKey(c.position())) {
            value = c.value() != null ? c.value() : services.codec().decode(c.payload(), flow.classLoader());
            if (type != null) {
                value = services.codec().convert(value, type);
            }
            values.put(c.position(), value);
        }
        return (T) value;
    }

    // ---------------------------------------------------------------- recording

    /** Records a checkpoint; a durable run's in a transaction of its own. */
    void record(int pos, String label, CheckpointKind kind, Object value, int attempts, boolean fallback) {
        record(pos, label, kind, value, attempts, fallback, null, List.of());
    }

    /** Records a step's checkpoint with its attempts' start and failures; a durable run's in a transaction of its own. */
    void record(
            int pos,
            String label,
            CheckpointKind kind,
            Object value,
            int attempts,
            boolean fallback,
            Instant startedAt,
            List<AttemptFailure> failures) {
        CheckpointRecord c = new CheckpointRecord(
                flowId,
                pos,
                label,
                kind,
                value,
                flow.durable() ? encoded(label, kind, value) : null,
                attempts,
                fallback,
                services.clock().instant(),
                startedAt,
                failures);
        if (flow.durable()) {
            durably(
                    () -> {
                        held.save(c);
                        return null;
                    },
                    c,
                    () -> null);
        }
        remember(c);
    }

    /**
     * Records a step's checkpoint of a durable run together with {@code alongside}, in one transaction.
     *
     * @param committed what {@code alongside} returned, for a write found committed after its answer was lost
     */
    <T> T record(
            int pos,
            String label,
            Object value,
            int attempts,
            Instant startedAt,
            List<AttemptFailure> failures,
            Supplier<T> alongside,
            Supplier<T> committed) {
        CheckpointRecord c = new CheckpointRecord(
                flowId,
                pos,
                label,
                CheckpointKind.STEP,
                value,
                encoded(label, CheckpointKind.STEP, value),
                attempts,
                false,
                services.clock().instant(),
                startedAt,
                failures);
        T result = durably(() -> held.save(c, alongside), c, committed);
        remember(c);
        return result;
    }

    /**
     * Runs a checkpoint write, and again after a short wait when the store failed for a passing
     * reason. When it keeps failing the run unwinds and is left RUNNING for recovery, instead of
     * failing for good because the database was away for a moment; the step then runs again. A
     * write whose commit succeeded but whose answer was lost meets its own checkpoint when tried
     * again: that conflict is the success it is, not a failure of the run.
     *
     * @param checkpoint the checkpoint the write stores
     * @param committed what the write returned, for when it is found committed
     */
    private <T> T durably(Supplier<T> write, CheckpointRecord checkpoint, Supplier<T> committed) {
        if (held() != null) {
            // in a transactional step's transaction, which a failed statement may have spoilt: no
            // retry in place; the step's transaction rolls back, and a passing failure leaves the
            // run to recovery, which runs the step afresh
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (TransientFailures.isTransient(e) && !TransientFailures.isSpoiltTransaction(e)) {
                    throw new Interrupt.LeaveForRecovery(e);
                }
                throw e;
            }
        }
        for (int retry = 0; ; retry++) {
            try {
                return write.get();
            } catch (RuntimeException e) {
                if (retry > 0
                        && e instanceof FlowConflictException
                        && !(e instanceof LeaseLostException)
                        && stored(checkpoint)) {
                    return committed.get();
                }
                if (!TransientFailures.isTransient(e)) {
                    throw e;
                }
                if (retry == TransientFailures.BACKOFF.size()) {
                    throw new Interrupt.LeaveForRecovery(e);
                }
                LOG.log(Level.FINE, e, () -> "retrying a checkpoint write of run " + flowId);
                LockSupport.parkNanos(TransientFailures.BACKOFF.get(retry).toNanos());
                cancellation.unwindIfCancelled();
            }
        }
    }

    /** @return whether the store holds {@code checkpoint} (its position, under its label) */
    private boolean stored(CheckpointRecord checkpoint) {
        return services.store().loadCheckpoints(flowId).stream()
                .anyMatch(
                        c -> c.position() == checkpoint.position() && c.label().equals(checkpoint.label()));
    }

    /** A checkpoint's value as the store keeps it; a step's output within its limit, checked before anything is written. */
    private Payload encoded(String label, CheckpointKind kind, Object value) {
        Payload payload = services.codec().encode(value);
        if (kind == CheckpointKind.STEP) {
            services.limits().checkStepOutput(flowId, label, payload);
        }
        return payload;
    }

    /** Holds the checkpoints this thread records from now on until {@link #endTransaction}. */
    void beginTransaction() {
        uncommitted.put(Thread.currentThread(), new ArrayList<>());
    }

    /**
     * Ends what {@link #beginTransaction} began: the checkpoints recorded since are remembered if
     * the transaction committed, forgotten if it rolled back.
     */
    void endTransaction(boolean committed) {
        List<CheckpointRecord> held = uncommitted.remove(Thread.currentThread());
        if (committed && held != null) {
            held.forEach(this::rememberNow);
        }
    }

    /** @return the checkpoints this thread holds until its transaction ends, or null outside one */
    private List<CheckpointRecord> held() {
        // a map by thread, not a ThreadLocal: a run's journal is short-lived, and a ThreadLocal per
        // journal would leave an entry in every pooled thread's map that it was read on
        return uncommitted.isEmpty() ? null : uncommitted.get(Thread.currentThread());
    }

    private void remember(CheckpointRecord c) {
        List<CheckpointRecord> held = held();
        if (held != null) {
            held.add(c);
        } else {
            rememberNow(c);
        }
    }

    private void rememberNow(CheckpointRecord c) {
        recorded.put(c.position(), c);
        values.put(c.position(), c.value());
        index(c);
        if (c.kind() == CheckpointKind.STEP) {
            results.put(c.label(), c.value());
        }
    }

    /** Makes a checkpoint findable by a block run, and keeps new slots after every recorded one. */
    private void index(CheckpointRecord c) {
        nextSlot.accumulateAndGet(c.position() + 1, Math::max);
        if (c.kind() == CheckpointKind.STEP) {
            keyedSteps.put(c.label(), c);
        } else {
            List<CheckpointRecord> marks =
                    keyedMarks.computeIfAbsent(c.kind() + ":" + c.label(), k -> new ArrayList<>());
            synchronized (marks) {
                marks.add(c);
                marks.sort(Comparator.comparingInt(CheckpointRecord::position));
            }
        }
    }

    /** Saves checkpoints only while this node holds the run. */
    interface HeldWrites {
        /** Saves a checkpoint with the writes that go with it, in one transaction. */
        <T> T save(CheckpointRecord checkpoint, Supplier<T> alongside);

        /** Saves a checkpoint that nothing goes with. */
        void save(CheckpointRecord checkpoint);
    }
}
