package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.service.RunningAttempt;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowTracer;
import io.crux.ee.spi.StepFailure;
import io.crux.ee.spi.StepTransaction;

/**
 * Runs the steps of one run: replays a recorded step, or runs its attempts (each within its
 * timeout, retried now or after a wait that unwinds the run, then the fallback), and records its
 * checkpoint in one transaction with the items and events the step gathered; a transactional
 * step's attempt runs inside that transaction ({@link StepTransactions}).
 */
final class StepRunner {

    private static final Logger LOG = Logger.getLogger(StepRunner.class.getName());

    /**
     * The attempts of a step that is waiting to be retried, and when its wait ends. Parallel
     * branches that wait unwind the run together and the shortest wait wakes it; a branch whose own
     * wait has not ended then waits the rest of it instead of retrying early.
     */
    private record FailedAttempts(int attempts, Instant notBefore, Instant startedAt, List<AttemptFailure> log) {}

    private final Execution<?, ?> run;
    private final EngineServices services;
    private final String flowId;
    private final String flowName;
    private final ThreadLocal<Frame> frames;
    private final CheckpointJournal journal;
    private final RunOutbox outbox;
    /** The run's outbox, or null when the run is not durable. */
    private final RequestEvents events;

    private final RunCancellation cancellation;
    private final StepTransactions transactions;
    private final Map<Object, FailedAttempts> failedAttempts = new ConcurrentHashMap<>();
    /** The attempts that run now, by step id, for the devtools. */
    private final Map<String, RunningAttempt> inFlight = new ConcurrentHashMap<>();

    StepRunner(
            Execution<?, ?> run,
            EngineServices services,
            ThreadLocal<Frame> frames,
            CheckpointJournal journal,
            RunOutbox outbox,
            RunCancellation cancellation) {
        this.run = run;
        this.services = services;
        this.flowId = run.flowId();
        this.flowName = run.flowName();
        this.frames = frames;
        this.journal = journal;
        this.outbox = outbox;
        this.events = outbox.events();
        this.cancellation = cancellation;
        this.transactions = new StepTransactions(flowId, services, journal, events);
    }

    /** Runs a step of the plain body, found by its position. */
    <T> T step(String label, Callable<T> fn, StepOptions<T> options) {
        Frame f = frames.get();
        if (f.lane != null) {
            // a step inside a block: keyed by the block's path, like the block's own step
            return keyedStep(f.lane, journal.occurrence(qualify(f.path, label)), fn, options);
        }
        f.refuseInsideStep(flowId, "step", label);
        int pos = journal.nextPosition();
        int occurrence = journal.count(label);
        CheckpointRecord replay = journal.recordedAt(pos, CheckpointKind.STEP, label);
        if (replay != null) {
            T value = journal.valueOf(replay, null);
            journal.result(label, value);
            return value;
        }
        services.limits().checkLabel(flowId, label);
        cancellation.unwindIfCancelled();
        return runStep(label, flowId + ":" + label + "#" + occurrence, pos, () -> pos, fn, options, f, null);
    }

    /**
     * Runs a step of a block run, found by its path: a recorded one returns its output, a new one
     * runs with a lane of its own (for what its code does through the scope) and takes the next slot.
     */
    <T> T keyedStep(Lane lane, String label, Callable<T> fn, StepOptions<T> options) {
        CheckpointRecord replay = journal.keyedStep(label);
        if (replay != null) {
            lane.replayed(flowId, replay);
            T value = journal.valueOf(replay, null);
            journal.result(label, value);
            return value;
        }
        services.limits().checkLabel(flowId, label);
        cancellation.unwindIfCancelled();
        lane.recordsAfresh(label);
        return runStep(label, flowId + ":" + label, label, journal::nextSlot, fn, options, frames.get(), lane);
    }

    /** The attempts of one step that did not replay: retries, waits, fallback, and the checkpoint. */
    private <T> T runStep(
            String label,
            String stepId,
            Object retryKey,
            IntSupplier slot,
            Callable<T> fn,
            StepOptions<T> options,
            Frame f,
            Lane lane) {
        FailedAttempts failed = failedAttempts.get(retryKey);
        int attempt = failed == null ? 1 : failed.attempts() + 1;
        if (failed != null) {
            Duration rest = Duration.between(services.clock().instant(), failed.notBefore());
            if (rest.compareTo(Duration.ZERO) > 0) {
                throw new Interrupt.RetryLater(rest);
            }
        }
        // the step's attempts, kept in memory and written with its checkpoint (no write per attempt)
        Instant stepStarted = failed == null ? services.clock().instant() : failed.startedAt();
        List<AttemptFailure> log = failed == null ? new ArrayList<>() : new ArrayList<>(failed.log());
        // a transactional step inside another one joins its transaction
        boolean transactional = options.inTransaction() && !f.inTransaction;
        while (true) {
            Instant attemptStarted = services.clock().instant();
            inFlight.put(stepId, new RunningAttempt(label, attempt, attemptStarted));
            FlowTracer.Span span = services.tracer().startStep(run.span(), flowName, flowId, label, stepId, attempt);
            long began = System.nanoTime();
            T value;
            List<EventRecord> committed = null;
            StepTransaction tx = null;
            enterStep(f);
            Lane outerLane = f.lane;
            String outerPath = f.path;
            String outerStep = f.step;
            String outerStepId = f.stepId;
            int outerChildren = f.children;
            f.step = label;
            f.stepId = stepId;
            f.children = 0;
            if (lane != null) {
                f.lane = new Lane(label, lane.branch);
                f.path = label;
            }
            try (AutoCloseable ignored = span.makeCurrent()) {
                if (transactional) {
                    tx = transactions.begin(options);
                    f.inTransaction = true;
                    journal.beginTransaction();
                    value = fn.call(); // on this thread, which the transaction is bound to
                    StepTransactions.checkTimeout(label, options.timeout(), attempt, began);
                    committed =
                            transactions.commitStep(tx, f, slot.getAsInt(), label, value, attempt, stepStarted, log);
                } else {
                    value = attempt(label, fn, options.timeout(), attempt);
                }
            } catch (Throwable caught) {
                Throwable failure = caught;
                boolean eventsTaken = f.eventsTaken;
                f.eventsTaken = false;
                if (tx != null) {
                    journal.endTransaction(false);
                    f.inTransaction = false;
                    transactions.rollback(tx);
                    failure = StepTransactions.overTime(failure, label, options.timeout(), attempt, began);
                }
                inFlight.remove(stepId);
                f.lane = outerLane;
                f.path = outerPath;
                f.step = outerStep;
                f.stepId = outerStepId;
                f.children = outerChildren;
                if (eventsTaken) {
                    f.stepDepth--; // the write that took the gathered events ended the gathering
                } else {
                    leaveStep(f);
                }
                if (failure instanceof StepTransactions.CheckpointNotWritten notWritten) {
                    // not the attempt's failure: the store's, as for a plain step's checkpoint
                    span.fail(notWritten.getCause());
                    span.end();
                    throw notWritten.getCause();
                }
                Interrupt interrupt = Interrupt.find(failure);
                if (interrupt != null) {
                    span.setAttribute("crux.step.outcome", interrupt.outcome());
                    span.end();
                    throw interrupt;
                }
                span.fail(failure);
                span.end();
                // a cancel or a lost lease interrupted the attempt: it unwinds, not counted as failed
                cancellation.unwindIfCancelled();
                if (cancellation.lost() == null) {
                    services.metrics().stepAttempted(flowName, false, Duration.ofNanos(System.nanoTime() - began));
                }
                boolean retryable = options.shouldRetry().test(failure);
                if (retryable && attempt < options.attempts()) {
                    services.metrics().stepRetried(flowName);
                    Duration wait = jittered(options.delayBefore(attempt), options.jitter());
                    AttemptFailure.record(log, failedAttempt(attempt, attemptStarted, failure, wait.toMillis()));
                    if (!wait.isZero()) {
                        failedAttempts.put(
                                retryKey,
                                new FailedAttempts(
                                        attempt, services.clock().instant().plus(wait), stepStarted, log));
                        throw new Interrupt.RetryLater(wait);
                    }
                    attempt++;
                    continue;
                }
                AttemptFailure.record(log, failedAttempt(attempt, attemptStarted, failure, null));
                failedAttempts.remove(retryKey);
                if (retryable && options.fallback() != null) {
                    services.metrics().stepFellBack(flowName);
                    T fallback = options.fallback().apply(failure);
                    journal.record(
                            slot.getAsInt(), label, CheckpointKind.STEP, fallback, attempt, true, stepStarted, log);
                    return fallback;
                }
                String message = retryable || !StepOptions.isPolicyTerminal(failure)
                        ? Messages.stepFailed(flowId, label, attempt, failure)
                        : Messages.stepTerminal(flowId, label, failure);
                run.failedStep(new StepFailure(label, attempt, log));
                services.lifecycle().stepFailed(run.lifecycleOf(), label, attempt, failure);
                throw new StepFailedException(message, flowId, label, attempt, failure);
            }
            if (tx != null) {
                journal.endTransaction(true);
                f.inTransaction = false;
                f.eventsTaken = false;
            }
            f.lane = outerLane;
            f.path = outerPath;
            f.step = outerStep;
            f.stepId = outerStepId;
            f.children = outerChildren;
            inFlight.remove(stepId);
            span.end();
            services.metrics().stepAttempted(flowName, true, Duration.ofNanos(System.nanoTime() - began));
            failedAttempts.remove(retryKey);
            if (tx == null) {
                completeStep(f, slot.getAsInt(), label, value, attempt, stepStarted, log);
            } else {
                // the events gathered went out with the checkpoint: end the gathering without a write
                if (committed == null) {
                    leaveStep(f);
                } else {
                    f.stepDepth--;
                    events.publish(committed);
                }
            }
            return value;
        }
    }

    /** @return the attempts of this run's steps that run now */
    List<RunningAttempt> running() {
        return List.copyOf(inFlight.values());
    }

    private AttemptFailure failedAttempt(int attempt, Instant started, Throwable failure, Long waitMs) {
        String messageId = null;
        for (Throwable t = failure; t != null && messageId == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CruxException crux && !crux.messageId().isEmpty()) {
                messageId = crux.messageId();
            }
        }
        return new AttemptFailure(
                attempt,
                started,
                services.clock().instant(),
                failure.getClass().getName(),
                AttemptFailure.cut(failure.getMessage()),
                messageId,
                waitMs);
    }

    private <T> T attempt(String label, Callable<T> fn, Duration timeout, int attempt) throws Exception {
        if (timeout == null) {
            return fn.call();
        }
        if (frames.get().inTransaction) {
            // inside a transactional step: an interrupt would reach the transaction's statements; the
            // transaction manager's timeout rolls back an attempt that outlives it
            long began = System.nanoTime();
            T value = fn.call();
            StepTransactions.checkTimeout(label, timeout, attempt, began);
            return value;
        }
        // on this thread, as the run's other code: the span and the run are current here already
        AttemptDeadline deadline = AttemptDeadline.start(timeout);
        T value;
        try {
            value = fn.call();
        } catch (Throwable failure) {
            // the engine's own unwinding (a retry wait, a cancel), a policy-terminal failure and an
            // Error stay what they are; any other failure of an attempt that outlived its timeout is
            // the timeout's
            if (deadline.stop()
                    && failure instanceof Exception
                    && Interrupt.find(failure) == null
                    && !StepOptions.isPolicyTerminal(failure)) {
                throw timedOut(label, timeout, attempt, failure);
            }
            throw failure;
        }
        if (deadline.stop()) {
            throw timedOut(label, timeout, attempt, null);
        }
        return value;
    }

    private static TimeoutException timedOut(String label, Duration timeout, int attempt, Throwable failure) {
        TimeoutException e = new TimeoutException(
                "attempt " + attempt + " of step '" + label + "' exceeded its timeout of " + timeout);
        e.initCause(failure);
        return e;
    }

    private static Duration jittered(Duration wait, double jitter) {
        if (jitter == 0.0 || wait.isZero()) {
            return wait;
        }
        long nanos = wait.toNanos();
        return Duration.ofNanos(
                nanos - (long) (nanos * jitter * ThreadLocalRandom.current().nextDouble()));
    }

    /** Items and events of a step are written together when the step ends. */
    private void enterStep(Frame f) {
        if (f.stepDepth++ == 0) {
            outbox.gather();
        }
    }

    private void leaveStep(Frame f) {
        if (--f.stepDepth == 0) {
            outbox.flush();
        }
    }

    /**
     * Records a completed step. The outermost step's checkpoint and the items and events it
     * gathered are written in one transaction (one commit per step); the events are published once
     * it has committed.
     */
    private void completeStep(
            Frame f, int pos, String label, Object value, int attempt, Instant started, List<AttemptFailure> log) {
        if (f.stepDepth > 1 || events == null) {
            try {
                journal.record(pos, label, CheckpointKind.STEP, value, attempt, false, started, log);
            } finally {
                leaveStep(f);
            }
            return;
        }
        f.stepDepth--;
        RequestEvents.StepWrite once = events.stepWrite();
        List<EventRecord> written;
        try {
            written = events.inOrder(() -> {
                if (once.takesNothing()) { // the checkpoint alone, which a store may write more cheaply
                    journal.record(pos, label, CheckpointKind.STEP, value, attempt, false, started, log);
                    return List.<EventRecord>of();
                }
                return journal.record(pos, label, value, attempt, started, log, once::write, once::written);
            });
        } catch (Interrupt e) {
            // cancelled or left for recovery while the checkpoint was tried again: what the step
            // gathered goes out with the run's end, if it has one here
            once.giveBackUntried();
            throw e;
        } catch (RuntimeException e) {
            // the gathering ended when the write took what it gathered (its first act): what was
            // taken is lost with a failed write, or written on its own if the checkpoint failed first
            if (once.tried()) {
                LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step " + label, e), e);
            } else {
                try {
                    once.writeUntried();
                } catch (CruxException lost) {
                    LOG.log(Level.WARNING, Messages.eventLost(flowId, "of step " + label, lost), lost);
                }
            }
            throw e;
        }
        events.publish(written);
    }

    static String qualify(String path, String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }
}
