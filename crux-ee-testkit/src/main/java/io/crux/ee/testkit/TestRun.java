package io.crux.ee.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crux.ee.api.ClientData;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.ResourceReader;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.exception.CruxException;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.SessionRecord;

/**
 * The outcome of a tested run: its result or failure, the items it emitted, the state it left and
 * the steps it took. A snapshot: {@link #resume()} and {@link #signal(String, Object)} continue the
 * same run and return a new snapshot. Assertion methods throw {@link AssertionError} with the
 * run's details and return this object, so they chain with {@link #steps()}, {@link #items()} and
 * the state views.
 *
 * <p>{@link #status()}, {@link #result()} and {@link #failure()} are fixed when the snapshot is
 * taken; {@link #items()}, {@link #events()}, {@link #steps()} and the state views read the test's
 * stores when called, so on an earlier snapshot they show what later continuations did as well.
 * Use it from the test's thread.
 *
 * <pre>{@code
 * TestRun<Answer> run = CruxTest.<Question, Answer>testFlow(new ChatFlow()).input(q).run();
 * run.assertCompleted().steps().succeeded("plan", "answer");
 * TestRun<Answer> done = run.assertSuspended("approval").signal("approval", new Approval(true));
 * }</pre>
 *
 * @param <O> the output type
 */
public final class TestRun<O> {

    private final FlowTest.Context<?, O> context;
    private final String flowId;
    private final FlowResult<O> result;
    private final CruxException failure;

    TestRun(FlowTest.Context<?, O> context, String flowId, FlowResult<O> result, CruxException failure) {
        this.context = context;
        this.flowId = flowId;
        this.result = result;
        this.failure = failure;
    }

    /** @return the run id */
    public String flowId() {
        return flowId;
    }

    /**
     * @return {@code COMPLETED}, {@code SUSPENDED}, {@code CANCELLED}, {@code EXPIRED} or
     *     {@code FAILED}
     */
    public FlowStatus status() {
        if (failure != null) {
            return FlowStatus.FAILED;
        }
        if (result instanceof FlowResult.Completed<O>) {
            return FlowStatus.COMPLETED;
        }
        if (result instanceof FlowResult.Suspended<O>) {
            return FlowStatus.SUSPENDED;
        }
        return result instanceof FlowResult.Cancelled<O> ? FlowStatus.CANCELLED : FlowStatus.EXPIRED;
    }

    /** @return the result, or {@code null} if the run failed */
    public FlowResult<O> result() {
        return result;
    }

    /** @return the failure of a failed run, or {@code null} */
    public CruxException failure() {
        return failure;
    }

    /**
     * @return the output of a completed run
     * @throws AssertionError if the run did not complete
     */
    public O output() {
        assertCompleted();
        return ((FlowResult.Completed<O>) result).output();
    }

    /**
     * @return the stored items of the test's session, in the order they were first added; none for a
     *     flow whose sessions are ephemeral, which stores none (its items are in {@link #events()})
     */
    public Items items() {
        Map<String, Item> latest = new LinkedHashMap<>();
        String sessionId = context.options.sessionId();
        for (ItemRecord r :
                sessionId == null ? List.<ItemRecord>of() : context.sessions.listItems(sessionId, Integer.MAX_VALUE)) {
            latest.put(r.item().id(), r.item());
        }
        return new Items(this, new ArrayList<>(latest.values()));
    }

    /**
     * The request events of this run as a client streaming it live would see them, over every
     * execution of it in this test, in the order they were published: the stored events and the
     * {@code content.delta} events, which are sent but never stored. Each event's
     * {@link EventRecord#json()} is the whole envelope a client receives.
     *
     * @return the events, in order
     */
    public List<EventRecord> events() {
        return List.copyOf(context.published);
    }

    /**
     * The request events of this run as they are stored, which is what a client that reconnects
     * later reads: {@link #events()} without the {@code content.delta} events.
     *
     * @return the stored events, by sequence number
     */
    public List<EventRecord> storedEvents() {
        return context.sessions.readEvents(flowId, 0, Integer.MAX_VALUE);
    }

    /**
     * The lifecycle events that the engine fired in this test so far, in order: this run's (over every
     * execution of it, before and after a resume) and those of the runs its steps started; as a CDI
     * observer would receive them, once their transitions were stored.
     *
     * <pre>{@code
     * assertThat(run.lifecycleEvents()).map(e -> e.getClass().getSimpleName())
     *         .containsExactly("RunStarted", "RunSuspended");
     * }</pre>
     *
     * @return the events, in the order they were fired
     */
    public List<FlowLifecycleEvent> lifecycleEvents() {
        return List.copyOf(context.lifecycle);
    }

    /** @return the session's state after the run */
    public StateView session() {
        return state("session", context.options.sessionId());
    }

    /** @return the user's state after the run */
    public StateView user() {
        return state("user", context.options.userId());
    }

    /** @return the project's state after the run */
    public StateView project() {
        return state("project", context.options.projectId() == null ? "default" : context.options.projectId());
    }

    /**
     * What the flow's {@code @ClientData} methods read of the test's session: its state and the
     * flow's declared resources, as {@code GET .../sessions/{id}/state} gives them to its methods.
     *
     * @return the context
     */
    public ClientData.Context clientContext() {
        // as in the engine, a run of a flow whose sessions are ephemeral has its run id as session id
        String sessionId = context.flow.ephemeralSessions() ? flowId : context.options.sessionId();
        SessionRecord session =
                new SessionRecord(sessionId, context.flow.name(), context.options.userId(), FlowTest.START, null);
        return new EngineFlowService(context.engine).clientData(context.flow.name(), session);
    }

    /**
     * What a client reads with {@code GET .../sessions/{id}/state}: each {@code @ClientData} method's
     * value, by name.
     *
     * @return the views, in declaration order
     */
    public Map<String, Object> clientData() {
        ClientData.Context client = clientContext();
        Map<String, Object> views = new LinkedHashMap<>();
        context.flow.clientData().forEach((name, view) -> views.put(name, view.apply(client)));
        return views;
    }

    /**
     * A resource the flow declares, as the run left it (its session's, user's or the default project's entries).
     *
     * @param name the declared name
     * @param type the declared value type
     * @param <T> the values' type
     * @return the resource, read-only
     * @throws IllegalArgumentException if the flow declares no such resource ({@code CRUX0240E})
     */
    public <T> ResourceReader<T> resource(String name, Class<T> type) {
        return clientContext().resource(name, type);
    }

    private StateView state(String scope, String key) {
        return new StateView(
                this, scope, key == null ? Map.of() : context.sessions.readState(scope, key), context.codec);
    }

    /**
     * The steps of this run so far, over every execution of it in this test (before and after a
     * resume), in the order they first started.
     *
     * @return the steps
     */
    public Steps steps() {
        Map<String, List<RecordingTracer.Attempt>> groups = new LinkedHashMap<>();
        for (RecordingTracer.Attempt a : context.tracer.attempts()) {
            if (a.flowId.equals(flowId)) {
                groups.computeIfAbsent(a.stepId, k -> new ArrayList<>()).add(a);
            }
        }
        Map<String, List<CheckpointRecord>> checkpoints = new HashMap<>();
        for (CheckpointRecord c : context.store.loadCheckpoints(flowId)) {
            if (c.kind() == CheckpointKind.STEP) {
                checkpoints.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        List<StepRecord> steps = new ArrayList<>();
        for (List<RecordingTracer.Attempt> attempts : groups.values()) {
            RecordingTracer.Attempt last = attempts.get(attempts.size() - 1);
            int n = seen.merge(last.label, 1, Integer::sum);
            List<CheckpointRecord> recorded = checkpoints.getOrDefault(last.label, List.of());
            CheckpointRecord c = n <= recorded.size() ? recorded.get(n - 1) : null;
            int tries = attempts.stream().mapToInt(a -> a.number).max().orElse(0);
            StepRecord.Status status;
            if (c != null) {
                status = c.fallback() ? StepRecord.Status.FELL_BACK : StepRecord.Status.SUCCEEDED;
                tries = c.attempts();
            } else {
                status = switch (last.outcome) {
                    case SUCCEEDED -> StepRecord.Status.SUCCEEDED;
                    case FAILED -> StepRecord.Status.FAILED;
                    case RUNNING, INTERRUPTED -> StepRecord.Status.INTERRUPTED;
                };
            }
            long nanos =
                    attempts.stream().mapToLong(RecordingTracer::elapsedNanos).sum();
            steps.add(new StepRecord(last.label, status, tries, steps.size(), Duration.ofNanos(nanos)));
        }
        return new Steps(this, steps);
    }

    /** @return the waits the engine asked for (retry backoff), which the kit skipped by moving its clock */
    public List<Duration> retryWaits() {
        return context.scheduler.delays();
    }

    /**
     * @return this
     * @throws AssertionError if the run did not complete
     */
    public TestRun<O> assertCompleted() {
        if (status() != FlowStatus.COMPLETED) {
            throw new AssertionError("Expected run " + flowId + " to complete but it is " + describe());
        }
        return this;
    }

    /**
     * @param expected the expected output
     * @return this
     * @throws AssertionError if the run did not complete with an equal output
     */
    public TestRun<O> assertOutput(Object expected) {
        O actual = output();
        if (!Objects.equals(actual, expected)) {
            throw new AssertionError("Expected run " + flowId + " to output " + expected + " but it output " + actual);
        }
        return this;
    }

    /**
     * @param name the expected suspension name
     * @return this
     * @throws AssertionError if the run is not suspended under that name
     */
    public TestRun<O> assertSuspended(String name) {
        if (!(result instanceof FlowResult.Suspended<O> s) || !s.name().equals(name)) {
            throw new AssertionError(
                    "Expected run " + flowId + " to be suspended on '" + name + "' but it is " + describe());
        }
        return this;
    }

    /**
     * @param type the expected failure type; the failure itself or a cause in its chain
     * @return this
     * @throws AssertionError if the run did not fail with such a failure
     */
    public TestRun<O> assertFailed(Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return this;
            }
        }
        throw new AssertionError(
                "Expected run " + flowId + " to fail with " + type.getName() + " but it is " + describe());
    }

    /**
     * Continues a suspended run: re-checks a {@code waitUntil}, or suspends again.
     *
     * @return the new snapshot; a failure (such as {@code FlowStateException} for a finished run) is
     *     in its {@link #failure()}, not thrown
     */
    public TestRun<O> resume() {
        return context.continueRun(flowId, handle -> handle.resume(flowId));
    }

    /**
     * Delivers a signal to the suspended run and continues it.
     *
     * @param name the suspension's name
     * @param payload the payload, converted to the suspension's type
     * @return the new snapshot; a failure (such as {@code InvalidInputException} for a payload that
     *     is not valid) is in its {@link #failure()}, not thrown
     */
    public TestRun<O> signal(String name, Object payload) {
        return context.continueRun(flowId, handle -> handle.signal(flowId, name, payload));
    }

    private String describe() {
        if (failure != null) {
            return "FAILED: " + failure.getMessage();
        }
        return status() + " (" + result + "); steps " + steps();
    }

    @Override
    public String toString() {
        return "TestRun[" + flowId + ", " + describe() + "]";
    }
}
