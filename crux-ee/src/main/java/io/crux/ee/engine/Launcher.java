package io.crux.ee.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowFailedException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.RunRecord;

/**
 * Puts runs to work on this node: starts new ones, revives stored ones from their checkpoints,
 * runs them on the executor (or inline inside a step), schedules their retries, and waits for
 * their outcomes.
 */
final class Launcher {

    private final EngineServices services;
    private final EngineRegistry registry;
    private final RunQueries queries;
    private final InputConversion inputs;

    Launcher(EngineServices services, EngineRegistry registry, RunQueries queries, InputConversion inputs) {
        this.services = services;
        this.registry = registry;
        this.queries = queries;
        this.inputs = inputs;
    }

    <I, O> Execution<I, O> start(FlowModel flow, ActionModel action, I input, RunOptions options) {
        registry.checkOpen();
        @SuppressWarnings("unchecked")
        I typed = (I) inputs.input(flow, action, input, "input", null);
        return launchNew(flow, action, typed, options);
    }

    /** Starts a run with input that was converted and checked already, at the edge that received it. */
    <I, O> Execution<I, O> startChecked(FlowModel flow, ActionModel action, I typed, RunOptions options) {
        registry.checkOpen();
        return launchNew(flow, action, typed, options);
    }

    private <I, O> Execution<I, O> launchNew(FlowModel flow, ActionModel action, I typed, RunOptions options) {
        Execution<?, ?> parent = Execution.CURRENT.get();
        String flowId = newRunId(options);
        RunContext inherited = parent != null ? parent.context() : null;
        String sessionId;
        if (flow.ephemeralSessions()) {
            // a session of its own for the run, never stored: the run id is its id
            if (options.sessionId() != null) {
                throw new FlowStateException(
                        Messages.ephemeralSessionJoined(flow.name(), options.sessionId()), flowId, null);
            }
            sessionId = flowId;
        } else {
            // a parent's session that lives for its request only is not the child's to store in
            boolean inheritable = inherited != null && !parent.flow().ephemeralSessions();
            sessionId = first(options.sessionId(), inheritable ? inherited.sessionId() : null);
        }
        RunContext context = new RunContext(
                parent != null ? parent.flowId() : null,
                sessionId,
                first(options.userId(), inherited == null ? null : inherited.userId()),
                first(options.projectId(), inherited == null ? null : inherited.projectId()),
                options.events());
        Execution<I, O> exec = new Execution<>(
                services,
                this,
                flow,
                action,
                flowId,
                typed,
                context,
                List.of(),
                services.tracer().captureContext(),
                0);
        // registered before the run row commits, so that maintenance on this node never takes a
        // run that is still starting for an orphan and runs it a second time
        if (!registry.activateIfAbsent(exec)) {
            throw new FlowConflictException(Messages.runIdTaken(flowId), flowId, null);
        }
        if (flow.durable()) {
            Instant now = services.clock().instant();
            try {
                services.node().requireHeld();
                String traceParent = exec.openSpan();
                RunRecord row = new RunRecord(
                        flowId,
                        flow.name(),
                        action.name(),
                        FlowStatus.RUNNING,
                        context.parentFlowId(),
                        context.sessionId(),
                        context.userId(),
                        context.projectId(),
                        context.events(),
                        services.codec().encode(typed),
                        null,
                        null,
                        null,
                        services.nodeId(),
                        services.leaseEnd(now),
                        now,
                        now,
                        0,
                        traceParent);
                if (context.events()) {
                    exec.publish(services.store().createRun(row, exec::startEvents));
                } else {
                    // no stream, so no start events: nothing goes with the row, which a store may
                    // then write more cheaply
                    services.store().createRun(row);
                }
            } catch (RuntimeException e) {
                exec.notStored(e);
                registry.finished(exec);
                throw e;
            }
        }
        services.metrics().runStarted(flow.name());
        services.lifecycle().started(exec.lifecycleOf());
        return exec;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }

    /** Builds an execution for a claimed run from its checkpoints, loaded in one query, and makes it active. */
    <I, O> Execution<I, O> revive(FlowModel flow, RunRecord run) {
        ActionModel action = FlowEngine.resolveAction(flow, run.action(), "stored run " + run.flowId());
        @SuppressWarnings("unchecked")
        I input = (I) services.codec().decode(run.input(), flow.classLoader());
        List<CheckpointRecord> checkpoints = services.store().loadCheckpoints(run.flowId());
        RunContext context =
                new RunContext(run.parentFlowId(), run.sessionId(), run.userId(), run.projectId(), run.events());
        long lastSeq = run.events() ? services.sessions().lastSeq(run.flowId()) : 0;
        Execution<I, O> exec = new Execution<>(
                services,
                this,
                flow,
                action,
                run.flowId(),
                input,
                context,
                checkpoints,
                services.tracer().captureContext(),
                lastSeq);
        exec.revived(run);
        registry.activate(exec);
        return exec;
    }

    /** Runs the execution on this thread when called from inside a step, else on the managed executor. */
    void launch(Execution<?, ?> exec, boolean inlineIfNested) {
        if (inlineIfNested && Execution.CURRENT.get() != null) {
            exec.invoke();
        } else {
            submit(exec);
        }
    }

    void submit(Execution<?, ?> exec) {
        // publish the task before it can run: an invocation that unwinds to a retry wait replaces it
        // with the scheduled retry, which must not be overwritten by this task afterwards
        FutureTask<Void> task = new FutureTask<>(exec::invoke, null);
        exec.setPending(task);
        execute(exec, task);
    }

    private void execute(Execution<?, ?> exec, FutureTask<Void> task) {
        try {
            services.executor().execute(task);
        } catch (RuntimeException rejected) {
            // the executor is shutting down: the run stays RUNNING and is recovered on restart
            exec.abandon(rejected);
        }
    }

    /**
     * Waits on the scheduler, holding no thread, then hands the run back to the managed executor:
     * the run goes on where every run executes, not on one of the scheduler's threads, which may be
     * few (WildFly sizes its default scheduler from the processors) and which the node's maintenance
     * (lease renewals, recovery) needs on time.
     */
    void scheduleRetry(Execution<?, ?> exec, Duration delay) {
        // published before it can run, as in submit: a short wait must not end before the run knows
        // of it; a cancel that takes the hand-off, even while it runs, keeps the run from going on
        Future<?>[] self = new Future<?>[1];
        HandOff handOff = new HandOff(() -> resume(exec, self[0]));
        self[0] = handOff;
        exec.setPending(handOff);
        try {
            handOff.waiting(services.scheduler().schedule(handOff, delay.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RuntimeException rejected) {
            exec.abandon(rejected);
        }
    }

    /** Hands a run whose retry wait ended to the executor, unless a cancel took the hand-off first. */
    private void resume(Execution<?, ?> exec, Future<?> handOff) {
        FutureTask<Void> task = new FutureTask<>(exec::invoke, null);
        if (exec.handOver(handOff, task)) {
            execute(exec, task);
        } // else whoever cancelled the hand-off ends the run
    }

    /** A retried run's hand-off to the executor; cancelled before it ran, it cancels its wait too. */
    private static final class HandOff extends FutureTask<Void> {
        private volatile Future<?> wait;

        HandOff(Runnable submit) {
            super(submit, null);
        }

        void waiting(Future<?> scheduled) {
            wait = scheduled;
            if (isCancelled()) {
                scheduled.cancel(false);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            Future<?> scheduled = wait;
            if (cancelled && scheduled != null) {
                scheduled.cancel(false);
            }
            return cancelled;
        }
    }

    /** The execution ended, or left the run to recovery: it is no longer active here. */
    void finished(Execution<?, ?> exec) {
        registry.finished(exec);
    }

    /**
     * The id a handle gives a run it starts: the caller's, or when the handle is used from a run's
     * code, one derived from that run and its step, or else a random one.
     */
    String newRunId(RunOptions options) {
        if (options.flowId() != null) {
            return options.flowId();
        }
        Execution<?, ?> parent = Execution.CURRENT.get();
        return parent != null ? parent.childId() : UUID.randomUUID().toString();
    }

    /**
     * @param flow the run's flow
     * @param options the options a handle was given
     * @param flowId the id {@link #newRunId} gave the run
     * @return whether a step of the current run started this run before, and now runs again
     */
    boolean startedBefore(FlowModel flow, RunOptions options, String flowId) {
        if (options.flowId() != null || Execution.CURRENT.get() == null) {
            return false; // the caller's id, or a new top-level run: nothing to look for
        }
        return registry.executesHere(flowId)
                || flow.durable() && services.store().findRun(flowId).isPresent();
    }

    /**
     * Waits for the outcome of a run that a step of the current run started before: takes it from
     * the store when the run has ended or suspended, waits for it when it executes here, continues
     * it here when it is an orphan, and waits for its end when another server holds it.
     */
    <O> FlowResult<O> attach(FlowModel flow, String flowId) {
        while (true) {
            @SuppressWarnings("unchecked")
            Execution<?, O> local = (Execution<?, O>) registry.active(flowId);
            if (local != null) {
                return await(local);
            }
            RunRecord run = queries.findRun(flow, flowId);
            Instant now = services.clock().instant();
            if (run.status() == FlowStatus.FAILED) {
                throw new FlowFailedException(run.error(), flowId, null);
            }
            if (run.status() != FlowStatus.RUNNING) {
                return RunQueries.storedResult(services.codec(), flow, run);
            }
            if (!services.nodeId().equals(run.owner()) && !run.leaseExpiredAt(now)) {
                LockSupport.parkNanos(services.settings().maintenanceInterval().toNanos());
                if (Thread.currentThread().isInterrupted()) {
                    throw new FlowFailedException(
                            Messages.flowFailed(flowId, flow.name(), new InterruptedException()), flowId, null);
                }
                continue;
            }
            services.node().requireHeld();
            try {
                Execution<?, O> exec =
                        revive(flow, services.store().claim(run, services.nodeId(), services.leaseEnd(now), null));
                services.metrics().leaseTakenOver(flow.name());
                launch(exec, true);
                return await(exec);
            } catch (FlowConflictException raced) {
                // maintenance took it first: wait for it as it executes
            }
        }
    }

    static <O> FlowResult<O> await(Execution<?, O> exec) {
        try {
            return exec.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlowFailedException(Messages.flowFailed(exec.flowId(), exec.flowName(), e), exec.flowId(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CruxException c) {
                throw c;
            }
            throw new FlowFailedException(
                    Messages.flowFailed(exec.flowId(), exec.flowName(), e.getCause()), exec.flowId(), e.getCause());
        }
    }
}
