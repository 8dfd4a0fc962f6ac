package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.event.FlowLifecycleEvent;
import io.crux.ee.api.event.RunCancelled;
import io.crux.ee.api.event.RunCompleted;
import io.crux.ee.api.event.RunExpired;
import io.crux.ee.api.event.RunFailed;
import io.crux.ee.api.event.RunResumed;
import io.crux.ee.api.event.RunStarted;
import io.crux.ee.api.event.RunSuspended;
import io.crux.ee.api.event.StepFailed;
import io.crux.ee.spi.FlowLifecycleListener;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.InlineExecutor;

/** The engine tells its lifecycle listener of each transition of a run once, in order. */
class LifecycleEventsTest {

    private static final Duration EXPIRY = Duration.ofHours(1);

    private LifecycleEngine l;

    @AfterEach
    void tearDown() throws Exception {
        l.close();
    }

    private FlowHandle<String, String> approvals() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("approval", String.class, String.class, scope -> {
            String ok = scope.suspend("manager", String.class, EXPIRY);
            return scope.input() + ":" + ok;
        }));
        return l.engine.handle("approval", "");
    }

    @Test
    void suspendSignalAndCompleteFireStartedSuspendedResumedCompleted() {
        FlowHandle<String, String> handle = approvals();
        FlowResult<String> suspended = handle.run("claim", RunOptions.defaults().withSessionId("s-1"));
        String id = suspended.flowId();

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended");
        RunSuspended s = (RunSuspended) l.events().get(1);
        assertThat(s.name()).isEqualTo("manager");
        assertThat(s.expiresAt()).isEqualTo(s.at().plus(EXPIRY));

        assertThat(handle.signal(id, "manager", "yes")).isEqualTo(new FlowResult.Completed<>(id, "claim:yes"));

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunResumed", "RunCompleted");
        for (FlowLifecycleEvent e : l.events()) {
            assertThat(e.flowId()).isEqualTo(id);
            assertThat(e.flowName()).isEqualTo("approval");
            assertThat(e.action()).isEqualTo("run");
            assertThat(e.sessionId()).isEqualTo("s-1");
            assertThat(e.parentFlowId()).isNull();
        }
        assertThat(((RunCompleted) l.events().get(3)).output(String.class)).isEqualTo("claim:yes");
    }

    @Test
    void listenerOfTheSuspensionMaySignalTheRunAtOnce() {
        java.util.concurrent.atomic.AtomicReference<FlowHandle<String, String>> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", event -> {
            if (event instanceof RunSuspended s) { // an automatic approval
                self.get().signal(s.flowId(), s.name(), "auto");
            }
        });
        l.engine.register(Flows.flow("approval", String.class, String.class, scope -> {
            String ok = scope.suspend("manager", String.class);
            return scope.input() + ":" + ok;
        }));
        self.set(l.engine.handle("approval", ""));

        String id = self.get().run("claim").flowId();

        assertThat(l.store.findRun(id).orElseThrow().status()).isEqualTo(FlowStatus.COMPLETED);
        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunResumed", "RunCompleted");
        assertThat(((RunCompleted) l.events().get(3)).output()).isEqualTo("claim:auto");
    }

    @Test
    void signalAfterTheDeadlineFiresExpiredOnceAndNoResumed() {
        FlowHandle<String, String> handle = approvals();
        String id = handle.run("claim").flowId();
        l.clock.advance(EXPIRY.plusSeconds(1));

        assertThat(handle.signal(id, "manager", "yes")).isInstanceOf(FlowResult.Expired.class);

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunExpired");
        RunExpired expired = (RunExpired) l.events().get(2);
        assertThat(expired.name()).isEqualTo("manager");
        assertThat(expired.expiresAt()).isEqualTo(((RunSuspended) l.events().get(1)).expiresAt());
    }

    @Test
    void cancelOfASuspendedRunFiresCancelledOnceWithTheReason() {
        FlowHandle<String, String> handle = approvals();
        String id = handle.run("claim").flowId();

        handle.cancel(id, "withdrawn");

        assertThat(l.kinds()).containsExactly("RunStarted", "RunSuspended", "RunCancelled");
        assertThat(((RunCancelled) l.events().get(2)).reason()).isEqualTo("withdrawn");
        // a later maintenance pass of the unheld, cancelled run tells of nothing again
        l.engine.maintain();
        assertThat(l.kinds()).hasSize(3);
    }

    @Test
    void stepThatFailsForGoodFiresStepFailedThenRunFailed() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow(
                "failing",
                String.class,
                String.class,
                scope -> scope.step(
                        "charge",
                        () -> {
                            throw new IllegalStateException("card declined");
                        },
                        StepOptions.<String>retry(2, Duration.ZERO, io.crux.ee.api.Backoff.LINEAR))));
        FlowResult<String> ignored = null;
        String id;
        try {
            ignored = l.engine.<String, String>handle("failing", "").run("x");
        } catch (io.crux.ee.api.exception.CruxException expected) {
            // the run failed
        }
        assertThat(ignored).isNull();
        id = l.events().get(0).flowId();

        assertThat(l.kinds()).containsExactly("RunStarted", "StepFailed", "RunFailed");
        StepFailed step = (StepFailed) l.events().get(1);
        assertThat(step.label()).isEqualTo("charge");
        assertThat(step.attempts()).isEqualTo(2);
        assertThat(step.errorType()).isEqualTo(IllegalStateException.class.getName());
        assertThat(step.message()).isEqualTo("card declined");
        RunFailed failed = (RunFailed) l.events().get(2);
        assertThat(failed.flowId()).isEqualTo(id);
        assertThat(failed.messageId()).startsWith("CRUX");
        assertThat(failed.message()).contains("charge");
        assertThat(l.store.findRun(id).orElseThrow().status()).isEqualTo(FlowStatus.FAILED);
    }

    @Test
    void runThatCancelsItselfFiresCancelledOnce() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("quitter", String.class, String.class, scope -> {
            scope.cancel("changed my mind");
            return "never";
        }));

        assertThat(l.engine.<String, String>handle("quitter", "").run("x")).isInstanceOf(FlowResult.Cancelled.class);

        assertThat(l.kinds()).containsExactly("RunStarted", "RunCancelled");
        assertThat(((RunCancelled) l.events().get(1)).reason()).isEqualTo("changed my mind");
    }

    @Test
    void cancelOfARunningRunFiresCancelledOnceNotAgainWhenItsBodyUnwinds() throws Exception {
        l = new LifecycleEngine(
                InMemoryFlowStore::new, Executors.newCachedThreadPool(), "node-1", FlowLifecycleListener.NOOP);
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        l.engine.register(Flows.flow(
                "busy",
                String.class,
                String.class,
                scope -> scope.step("work", () -> {
                    inStep.countDown();
                    never.await();
                    return "done";
                })));
        FlowHandle<String, String> handle = l.engine.handle("busy", "");
        String id = handle.start("x");
        assertThat(inStep.await(10, TimeUnit.SECONDS)).isTrue();

        handle.cancel(id, "stop");
        // every task of the run, its end included, has run once the pool terminates
        l.executor.shutdown();
        assertThat(l.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(l.kinds()).containsExactly("RunStarted", "RunCancelled");
    }

    @Test
    void childRunFiresItsOwnEventsWithItsParent() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("child", String.class, String.class, scope -> scope.input() + "!"));
        l.engine.register(Flows.flow(
                "parent",
                String.class,
                String.class,
                scope -> scope.step("call", () -> {
                    FlowResult<String> r =
                            l.engine.<String, String>handle("child", "").run(scope.input());
                    return ((FlowResult.Completed<String>) r).output();
                })));

        FlowResult<String> done = l.engine.<String, String>handle("parent", "").run("hi");

        assertThat(l.kinds()).containsExactly("RunStarted", "RunStarted", "RunCompleted", "RunCompleted");
        List<FlowLifecycleEvent> events = l.events();
        assertThat(events.get(1).flowName()).isEqualTo("child");
        assertThat(events.get(1).parentFlowId()).isEqualTo(done.flowId());
        assertThat(events.get(2).flowName()).isEqualTo("child");
        assertThat(((RunCompleted) events.get(3)).output()).isEqualTo("hi!");
    }

    @Test
    void nonDurableRunFiresStartedAndCompleted() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-1", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("quick", false, String.class, String.class, scope -> scope.input()));

        l.engine.<String, String>handle("quick", "").run("x");

        assertThat(l.kinds()).containsExactly("RunStarted", "RunCompleted");
    }

    @Test
    void recoveredOrphanFiresOnlyItsEndOnTheServerThatRecoveredIt() {
        l = new LifecycleEngine(InMemoryFlowStore::new, new InlineExecutor(), "node-b", FlowLifecycleListener.NOOP);
        l.engine.register(Flows.flow("orphan", String.class, String.class, scope -> scope.input() + " recovered"));
        java.time.Instant then = l.clock.instant();
        l.store.createRun(new RunRecord(
                "orphan-1",
                "orphan",
                "run",
                FlowStatus.RUNNING,
                null,
                null,
                null,
                null,
                false,
                new io.crux.ee.codec.JsonbPayloadCodec().encode("run"),
                null,
                null,
                null,
                "dead-node",
                then.minusSeconds(1),
                then.minusSeconds(60),
                then.minusSeconds(60),
                0,
                null));

        assertThat(l.engine.maintain()).isEqualTo(1);

        assertThat(l.kinds()).containsExactly("RunCompleted");
        assertThat(l.events().get(0).flowId()).isEqualTo("orphan-1");
        assertThat(((RunCompleted) l.events().get(0)).output()).isEqualTo("run recovered");
        assertThat(l.events()).noneMatch(e -> e instanceof RunStarted || e instanceof RunResumed);
    }
}
