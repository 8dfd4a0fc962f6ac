package io.crux.ee.engine;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/**
 * Acts on runs from outside them: resumes and signals suspended runs (claiming them for this
 * node), cancels runs and the runs their steps started, and ends stored runs that no node executes.
 */
final class RunControl {

    private final EngineServices services;
    private final EngineRegistry registry;
    private final RunQueries queries;
    private final Launcher launcher;
    private final InputConversion inputs;

    RunControl(
            EngineServices services,
            EngineRegistry registry,
            RunQueries queries,
            Launcher launcher,
            InputConversion inputs) {
        this.services = services;
        this.registry = registry;
        this.queries = queries;
        this.launcher = launcher;
        this.inputs = inputs;
    }

    <O> FlowResult<O> resume(FlowModel flow, String flowId) {
        return continueRun(flow, flowId, null, null, false);
    }

    <O> FlowResult<O> signal(FlowModel flow, String flowId, String name, Object payload) {
        Objects.requireNonNull(name, "name");
        return continueRun(flow, flowId, name, payload, true);
    }

    private <O> FlowResult<O> continueRun(
            FlowModel flow, String flowId, String signalName, Object payload, boolean isSignal) {
        registry.checkOpen();
        flow.requireDurable(isSignal ? "take signals" : "be resumed");
        RunRecord run = queries.findRun(flow, flowId);
        Instant now = services.clock().instant();
        String operation = isSignal ? "signalled" : "resumed";
        switch (run.status()) {
            case SUSPENDED -> {}
            case RUNNING -> {
                if (!run.leaseExpiredAt(now) || isSignal) {
                    throw new FlowConflictException(Messages.runBusy(flowId, run.owner()), flowId, null);
                }
            }
            default ->
                throw new FlowStateException(
                        Messages.runFinished(flowId, run.status().name(), operation), flowId, run.status());
        }
        SuspensionRecord suspension = run.suspension();
        CheckpointRecord signal = null;
        if (suspension != null) {
            if (isSignal && !suspension.name().equals(signalName)) {
                throw new FlowStateException(
                        Messages.wrongSignal(flowId, suspension.name(), signalName), flowId, run.status());
            }
            if (suspension.isExpiredAt(now)) {
                endStored(run, FlowStatus.EXPIRED, null);
                return new FlowResult.Expired<>(flowId, suspension.suspendedAt());
            }
            if (isSignal && !suspension.isWait()) {
                Object value = inputs.signalPayload(flow, suspension, payload, flowId);
                signal = new CheckpointRecord(
                        flowId,
                        suspension.position(),
                        suspension.name(),
                        CheckpointKind.SIGNAL,
                        value,
                        services.codec().encode(value),
                        1,
                        false,
                        now,
                        suspension.suspendedAt(), // the signal's bar spans the wait for it
                        List.of());
            }
        }
        services.node().requireHeld();
        // reserved before the claim commits, so that maintenance on this node never takes the
        // claimed run for an orphan before it is active and runs it a second time
        if (!registry.reserve(flowId)) {
            throw new FlowConflictException(Messages.runBusy(flowId, services.nodeId()), flowId, null);
        }
        Execution<?, O> exec;
        try {
            exec = launcher.revive(
                    flow, services.store().claim(run, services.nodeId(), services.leaseEnd(now), signal));
        } finally {
            registry.release(flowId);
        }
        if (run.status() == FlowStatus.SUSPENDED) { // not an orphan whose lease ran out
            services.lifecycle().resumed(RunLifecycle.Of.stored(run));
        }
        launcher.launch(exec, true);
        return Launcher.await(exec);
    }

    void cancel(FlowModel flow, String flowId, String reason) {
        Execution<?, ?> local = registry.active(flowId);
        if (!flow.durable()) {
            if (local == null || !local.flowName().equals(flow.name())) {
                throw new FlowNotFoundException(Messages.runNotFound(flowId, flow.name()), flowId);
            }
            local.cancelFromOutside(reason);
            return;
        }
        RunRecord run = queries.findRun(flow, flowId);
        try {
            endUnlessFinal(run, FlowStatus.CANCELLED, reason, "cancelled");
        } catch (FlowConflictException conflict) {
            // a signal, resume or the run's own end raced with us: decide on what is stored now
            endUnlessFinal(queries.findRun(flow, flowId), FlowStatus.CANCELLED, reason, "cancelled");
        }
        cancelChildren(flowId, reason);
        if (local != null) {
            local.cancelFromOutside(reason);
        }
    }

    /** Cancels the runs that steps of a cancelled run started and that are still open, and theirs. */
    private void cancelChildren(String parentId, String reason) {
        for (RunRecord child : services.store().findOpenChildren(parentId)) {
            FlowModel model = registry.flow(child.flowName());
            if (model == null) {
                continue; // not defined here: its own server's cancel of the parent reaches it
            }
            try {
                cancel(model, child.flowId(), reason);
            } catch (FlowStateException | FlowConflictException ended) {
                // it ended meanwhile
            }
        }
    }

    private void endUnlessFinal(RunRecord run, FlowStatus status, String reason, String operation) {
        if (run.status().isFinal()) {
            throw new FlowStateException(
                    Messages.runFinished(run.flowId(), run.status().name(), operation), run.flowId(), run.status());
        }
        endStored(run, status, reason);
    }

    /**
     * Ends a run that this caller does not execute. A run that a node holds on a live lease is
     * left to that node, which sees the end at its next write or lease renewal and writes the
     * request's last event; any other (suspended, orphaned, or cancelled and never acknowledged)
     * gets its last event here, in the transaction of its end, which closes its request stream.
     */
    void endStored(RunRecord run, FlowStatus status, String reason) {
        boolean[] unheld = {false};
        List<EventRecord> written = services.store().end(run, status, reason, ended -> {
            unheld[0] = ended.owner() == null; // else its node ends its execution, and counts it
            if (!run.events() || ended.owner() != null) {
                return List.of();
            }
            RequestEvents events = new RequestEvents(
                    services, run.flowId(), services.sessions().lastSeq(run.flowId()), true);
            events.gather();
            if (status == FlowStatus.CANCELLED) {
                events.append("request.cancelled", reason == null ? Map.of() : Map.of("reason", reason));
            } else {
                events.append("request.failed", Map.of("error", "expired", "status", status.name()));
            }
            return events.write();
        });
        if (!written.isEmpty()) {
            services.store().afterCommit(() -> written.forEach(services.bus()::publish));
        }
        if (!run.status().isFinal()) { // else an unacknowledged cancel, told of when it was stored
            if (status == FlowStatus.CANCELLED) {
                services.lifecycle().cancelled(RunLifecycle.Of.stored(run), reason);
            } else {
                SuspensionRecord s = run.suspension();
                services.lifecycle()
                        .expired(
                                RunLifecycle.Of.stored(run),
                                s == null ? null : s.name(),
                                s == null ? null : s.expiresAt());
            }
        }
        if (unheld[0]) {
            services.metrics()
                    .runEnded(
                            run.flowName(),
                            status == FlowStatus.CANCELLED ? FlowMetrics.CANCELLED : FlowMetrics.EXPIRED,
                            RunEnding.nonNegative(
                                    run.createdAt(), services.clock().instant()));
        }
    }
}
