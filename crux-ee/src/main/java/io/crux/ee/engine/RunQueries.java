package io.crux.ee.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowNotFoundException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.FlowStore;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.SuspensionRecord;

/** Reads stored runs of the flows registered here, and what they tell: snapshots and outcomes. */
final class RunQueries {

    private static final int LIST_LIMIT = 500;

    private final FlowStore store;
    private final EngineRegistry registry;

    RunQueries(EngineServices services, EngineRegistry registry) {
        this.store = services.store();
        this.registry = registry;
    }

    /** @throws FlowNotFoundException if the run does not exist or is not of this flow */
    RunRecord findRun(FlowModel flow, String flowId) {
        return store.findRun(flowId)
                .filter(r -> r.flowName().equals(flow.name()))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(flowId, flow.name()), flowId));
    }

    /** @throws FlowNotFoundException if the run does not exist or its flow is not defined here */
    RunRecord findRunOfAnyFlow(String flowId) {
        return store.findRun(flowId)
                .filter(r -> registry.isDefined(r.flowName()))
                .orElseThrow(() -> new FlowNotFoundException(Messages.runNotFound(flowId, "*"), flowId));
    }

    Optional<FlowRunInfo> get(FlowModel flow, String flowId) {
        if (!flow.durable()) {
            return Optional.empty();
        }
        return store.findRun(flowId)
                .filter(r -> r.flowName().equals(flow.name()))
                .map(r -> info(r, store.loadCheckpoints(flowId)));
    }

    List<FlowRunInfo> list(FlowModel flow, FlowStatus status) {
        if (!flow.durable()) {
            return List.of();
        }
        return store.listRuns(flow.name(), status, LIST_LIMIT).stream()
                .map(r -> info(r, List.of()))
                .toList();
    }

    List<FlowRunInfo> listAll(FlowStatus status) {
        return store.listRuns(null, status, LIST_LIMIT).stream()
                .filter(r -> registry.isDefined(r.flowName()))
                .map(r -> info(r, List.of()))
                .toList();
    }

    List<FlowRunInfo> findRuns(FlowStatus status, String userId, int offset, int limit) {
        return store.findRuns(new RunQuery(registry.flowNames(), status, userId, offset, limit)).stream()
                .map(r -> info(r, List.of()))
                .toList();
    }

    /** @return the query of a filter, over the flows defined here (or the one it names, if defined) */
    RunQuery query(io.crux.ee.service.RunFilter f) {
        java.util.Set<String> names = f.flow() == null
                ? registry.flowNames()
                : registry.isDefined(f.flow()) ? java.util.Set.of(f.flow()) : java.util.Set.of();
        return new RunQuery(names, f.status(), f.userId(), f.sessionId(), f.from(), f.to(), f.after(), 0, f.limit());
    }

    List<RunRecord> findRuns(io.crux.ee.service.RunFilter filter) {
        return store.findRuns(query(filter));
    }

    java.util.Map<FlowStatus, Long> countByStatus(io.crux.ee.service.RunFilter filter) {
        return store.countByStatus(query(filter));
    }

    List<RunRecord> changedSince(java.time.Instant since, int limit) {
        return store.findUpdatedSince(registry.flowNames(), since, limit);
    }

    List<CheckpointRecord> checkpoints(String flowId) {
        return store.loadCheckpoints(flowId);
    }

    Optional<io.crux.ee.spi.StepFailure> failure(String flowId) {
        return store.findFailure(flowId);
    }

    List<RunRecord> children(String flowId) {
        return store.findChildren(flowId);
    }

    /** A stored run's public snapshot. */
    static FlowRunInfo info(RunRecord run, List<CheckpointRecord> checkpoints) {
        List<FlowRunInfo.StepInfo> steps = new ArrayList<>(checkpoints.size());
        for (CheckpointRecord c : checkpoints) {
            steps.add(new FlowRunInfo.StepInfo(
                    c.position(),
                    c.label(),
                    c.kind().name().toLowerCase(Locale.ROOT),
                    c.attempts(),
                    c.fallback(),
                    c.completedAt()));
        }
        SuspensionRecord s = run.status() == FlowStatus.SUSPENDED ? run.suspension() : null;
        return new FlowRunInfo(
                run.flowId(),
                run.flowName(),
                run.action(),
                run.status(),
                run.parentFlowId(),
                run.sessionId(),
                s == null ? null : s.name(),
                s == null ? null : s.expiresAt(),
                run.error(),
                run.createdAt(),
                run.updatedAt(),
                List.copyOf(steps));
    }

    /** A stored run's outcome, or {@code null} while it runs or when it failed. */
    static <O> FlowResult<O> storedResult(PayloadCodec codec, FlowModel flow, RunRecord run) {
        String flowId = run.flowId();
        SuspensionRecord s = run.suspension();
        return switch (run.status()) {
            case CANCELLED -> new FlowResult.Cancelled<>(flowId, run.error());
            case EXPIRED -> new FlowResult.Expired<>(flowId, s == null ? null : s.suspendedAt());
            case COMPLETED -> {
                @SuppressWarnings("unchecked")
                O output = (O) codec.decode(run.output(), flow.classLoader());
                yield new FlowResult.Completed<>(flowId, output);
            }
            case SUSPENDED -> new FlowResult.Suspended<>(flowId, s.name(), s.suspendedAt(), s.expiresAt());
            case FAILED, RUNNING -> null;
        };
    }
}
