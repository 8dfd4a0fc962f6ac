package io.crux.ee.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Rescued;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.FlowCancelledException;
import io.crux.ee.api.exception.FlowChangedException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;

/**
 * Runs the blocks of one run: a leaf as one step keyed by its logical path, a composite through a
 * context that runs its children, parallel branches each in a lane of its own, and the fallbacks
 * and rescues of composites, whose recovered outputs are recorded under their paths.
 */
final class BlockRunner {

    private final Execution<?, ?> run;
    private final EngineServices services;
    private final String flowId;
    private final String flowName;
    private final ThreadLocal<Frame> frames;
    private final CheckpointJournal journal;
    private final StepRunner steps;
    private final RunCancellation cancellation;

    BlockRunner(
            Execution<?, ?> run,
            EngineServices services,
            ThreadLocal<Frame> frames,
            CheckpointJournal journal,
            StepRunner steps,
            RunCancellation cancellation) {
        this.run = run;
        this.services = services;
        this.flowId = run.flowId();
        this.flowName = run.flowName();
        this.frames = frames;
        this.journal = journal;
        this.steps = steps;
        this.cancellation = cancellation;
    }

    String flowId() {
        return flowId;
    }

    /** @return the scope of the run, which blocks see */
    FlowScope<?> scope() {
        return run.scope();
    }

    /** @return a service by type, as blocks find it */
    <T> T service(Class<T> type) {
        return services.service(type);
    }

    /**
     * Runs a block as the run's body, in the root lane. The source is asked for the block on each
     * execution of the body.
     */
    Object runRoot(Block<?, ?> block, Object input) {
        Frame f = frames.get();
        Lane outerLane = f.lane;
        String outerPath = f.path;
        f.lane = new Lane("", null);
        f.path = "";
        try {
            @SuppressWarnings("unchecked")
            Block<Object, Object> typed = (Block<Object, Object>) block;
            return runBlock(typed, input, "", null);
        } finally {
            f.lane = outerLane;
            f.path = outerPath;
        }
    }

    /**
     * Runs a block under {@code parentPath}: a leaf as one keyed step, a composite by calling it with
     * a context that runs its children. A composite's options pass to its children (its fallback
     * stays with it); a composite with a fallback records the fallback's value under its path.
     */
    <X, Y> Y runBlock(Block<X, Y> block, X in, String parentPath, StepOptions<?> inherited) {
        Frame f = frames.get();
        String path = journal.occurrence(StepRunner.qualify(parentPath, nameOf(block)));
        if (f.stepDepth > 0) {
            throw new FlowStateException(Messages.blockRunInLeaf(flowId, f.path, path), flowId, FlowStatus.RUNNING);
        }
        StepOptions<Y> own = block.options();
        if (block.isLeaf()) {
            StepOptions<Y> options = own != null ? own : forLeaf(inherited);
            EngineBlockContext ctx = new EngineBlockContext(this, path, null, true);
            return steps.keyedStep(f.lane, path, () -> block.execute(in, ctx), options);
        }
        boolean fallback = own != null && own.fallback() != null;
        if (fallback) {
            CheckpointRecord replay = journal.keyedStep(path);
            if (replay != null) {
                f.lane.replayed(flowId, replay);
                return journal.valueOf(replay, null);
            }
        }
        String outerPath = f.path;
        f.path = path;
        try {
            return block.execute(in, new EngineBlockContext(this, path, own != null ? own : inherited, false));
        } catch (Throwable failure) {
            if (!fallback || !recoverable(failure) || !own.shouldRetry().test(failure)) {
                throw rethrow(failure);
            }
            Y value = own.fallback().apply(failure);
            recordFresh(f.lane, path, value);
            return value;
        } finally {
            f.path = outerPath;
        }
    }

    /**
     * Runs branches at the same time, at most {@code limit} at once, on the engine's executor and on
     * the calling thread, which works too so that a busy executor cannot stall the run. Each branch
     * has a lane of its own. When a branch fails or is interrupted no further branch starts; the
     * running ones end, and then the outcome is, in this order: a cancel, the failure of the first
     * failed branch, the shortest retry wait, the suspension of the first suspended branch.
     */
    <Y> List<Y> fork(
            String parentPath,
            List<String> segments,
            int limit,
            StepOptions<?> inherited,
            BiFunction<BlockContext, Integer, Y> body) {
        int n = segments.size();
        Object[] outputs = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger next = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(n);
        Thread caller = Thread.currentThread();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                Frame previous = frames.get();
                try {
                    if (stop.get() || cancellation.isCancelled()) {
                        continue;
                    }
                    String path = StepRunner.qualify(parentPath, segments.get(i));
                    Frame branch = new Frame();
                    branch.lane = new Lane(path, path);
                    branch.path = path;
                    frames.set(branch);
                    outputs[i] = body.apply(new EngineBlockContext(this, path, inherited, false), i);
                } catch (Throwable t) {
                    failures[i] = t;
                    stop.set(true);
                } finally {
                    frames.set(previous);
                    finished.countDown();
                }
            }
        };
        for (int k = Math.min(limit, n) - 1; k > 0; k--) {
            try {
                services.executor().execute(() -> helper(worker, caller));
            } catch (RejectedExecutionException busy) {
                break; // the calling thread runs the rest
            }
        }
        worker.run();
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop.set(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return outcome(outputs, failures);
    }

    private void helper(Runnable worker, Thread caller) {
        Thread self = Thread.currentThread();
        boolean own = self != caller;
        Execution<?, ?> outer = Execution.CURRENT.get();
        Execution.CURRENT.set(run);
        if (own) {
            cancellation.branchStarted(self);
        }
        try {
            worker.run();
        } finally {
            Execution.CURRENT.set(outer);
            if (own) {
                cancellation.branchEnded(self);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <Y> List<Y> outcome(Object[] outputs, Throwable[] failures) {
        Throwable failure = null;
        Interrupt.RetryLater retry = null;
        Interrupt.Suspend suspend = null;
        boolean cancel = cancellation.isCancelled();
        for (Throwable t : failures) {
            if (t == null) {
                continue;
            }
            Interrupt interrupt = Interrupt.find(t);
            if (interrupt instanceof Interrupt.Cancel) {
                cancel = true;
            } else if (interrupt instanceof Interrupt.RetryLater r) {
                retry = retry == null || r.delay.compareTo(retry.delay) < 0 ? r : retry;
            } else if (interrupt instanceof Interrupt.Suspend s) {
                suspend = suspend == null ? s : suspend;
            } else if (failure == null) {
                failure = t;
            }
        }
        if (cancel) {
            throw new Interrupt.Cancel();
        }
        if (failure != null) {
            throw rethrow(failure);
        }
        if (retry != null) {
            throw retry;
        }
        if (suspend != null) {
            throw suspend;
        }
        List<Y> list = new ArrayList<>(outputs.length);
        for (Object o : outputs) {
            list.add((Y) o);
        }
        return list;
    }

    /**
     * Runs composite code and, when it fails with a failure that {@code when} accepts, the recovery
     * block. The recovered output is recorded under the recovery's path, so that a replay returns
     * it without running the failed code again.
     */
    <X, Y> Y rescue(
            String parentPath,
            StepOptions<?> inherited,
            Supplier<Y> body,
            Predicate<? super Throwable> when,
            Block<Rescued<X>, Y> recovery,
            X in) {
        Frame f = frames.get();
        String base = StepRunner.qualify(parentPath, nameOf(recovery));
        int seen = journal.seen(base);
        String label = seen == 0 ? base : base + "#" + (seen + 1);
        CheckpointRecord replay = journal.keyedStep(label);
        if (replay != null) {
            journal.occurrence(base);
            f.lane.replayed(flowId, replay);
            return journal.valueOf(replay, null);
        }
        try {
            return body.get();
        } catch (Throwable failure) {
            if (!recoverable(failure) || !when.test(failure)) {
                throw rethrow(failure);
            }
            Y value = runBlock(recovery, new Rescued<>(in, failure), parentPath, inherited);
            if (!recovery.isLeaf()) {
                recordFresh(f.lane, label, value);
            }
            return value;
        }
    }

    private void recordFresh(Lane lane, String label, Object value) {
        if (lane != null) {
            lane.recordsAfresh(label);
        }
        journal.record(journal.nextSlot(), label, CheckpointKind.STEP, value, 1, true);
    }

    /** Whether a failure of composite code may go to a fallback or a rescue: not the engine's own signals. */
    private boolean recoverable(Throwable failure) {
        return Interrupt.find(failure) == null
                && !cancellation.isCancelled()
                && !(failure instanceof FlowChangedException
                        || failure instanceof FlowStateException
                        || failure instanceof FlowConflictException
                        || failure instanceof FlowCancelledException);
    }

    private RuntimeException rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new FlowFailedException(Messages.flowFailed(flowId, flowName, failure), flowId, failure);
    }

    @SuppressWarnings("unchecked")
    private static <Y> StepOptions<Y> forLeaf(StepOptions<?> inherited) {
        return inherited == null ? StepOptions.defaults() : (StepOptions<Y>) inherited.withFallback(null);
    }

    private static String nameOf(Block<?, ?> block) {
        String name = block.name();
        if (name == null || name.isBlank() || name.contains("/")) {
            throw new IllegalArgumentException(
                    "a block name must be non-blank and contain no '/': '" + name + "' of " + block);
        }
        return name;
    }
}
