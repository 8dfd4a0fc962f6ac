package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowHandler;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.UserMessage;
import io.crux.ee.cdi.FlowDefinitions;
import io.crux.ee.spi.CheckpointKind;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.InlineExecutor;
import io.crux.ee.testkit.TestRun;

/**
 * The action's user message: the engine emits {@code Item.message("user", ...)} from the input before
 * the first step, once per request, also when the run is resumed after a suspension or recovered by
 * another engine after a crash.
 */
class ActionUserMessageTest {

    public record Question(String text, int priority) {}

    public record Approval(boolean ok) {}

    @FlowDefinition("desk")
    public static class Desk {
        @Action(value = "ask", userMessage = "text")
        public String ask(FlowScope<Question> flow) {
            return flow.step("answer", () -> {
                flow.emit(Item.message("assistant", "answer to " + flow.input().text()));
                return "ok";
            });
        }

        @Action(value = "approve", userMessage = "text")
        public String approve(FlowScope<Question> flow) {
            flow.step("before", () -> "b");
            Approval a = flow.suspend("manager", Approval.class);
            return flow.step("after", () -> a.ok() ? "approved" : "refused");
        }

        @Action("silent")
        public String silent(FlowScope<Question> flow) {
            return flow.step("answer", () -> "quiet");
        }
    }

    /** A FlowHandler declares it on the definition. */
    @FlowDefinition(value = "handled", userMessage = "text")
    public static class Handled implements FlowHandler<Question, String> {
        @Override
        public String run(FlowScope<Question> flow) {
            return flow.step("answer", () -> "ok");
        }
    }

    public record Composed(String subject, String body) implements UserMessage {
        @Override
        public String userMessage() {
            return subject + ": " + body;
        }
    }

    /** The input says it itself. */
    @FlowDefinition(value = "composed", durable = false)
    public static class ComposedFlow implements FlowHandler<Composed, String> {
        @Override
        public String run(FlowScope<Composed> flow) {
            return flow.step("answer", () -> "ok");
        }
    }

    /** Crashes (its thread waits) in step two the first time. */
    @FlowDefinition("stuck")
    public static class Stuck {
        static volatile CountDownLatch inStep;
        static volatile CountDownLatch release;
        static final AtomicBoolean crash = new AtomicBoolean();

        @Action(value = "ask", userMessage = "text")
        public String ask(FlowScope<Question> flow) {
            flow.step("one", () -> "1");
            return flow.step("two", () -> {
                if (crash.getAndSet(false)) {
                    inStep.countDown();
                    release.await();
                }
                return "2";
            });
        }
    }

    private EngineHarness a;

    @AfterEach
    void tearDown() throws Exception {
        if (a != null) {
            a.close();
        }
    }

    private static FlowModel read(Class<?> type, java.util.function.Supplier<?> instances) {
        return FlowDefinitions.read(type, FlowDefinitions.InstanceSource.of(instances))
                .model();
    }

    private static List<String> types(List<EventRecord> events) {
        return events.stream().map(EventRecord::type).toList();
    }

    private static long userMessages(List<EventRecord> events) {
        return events.stream()
                .filter(e -> e.json().contains("\"role\":\"user\""))
                .count();
    }

    @Test
    void theUserMessageIsEmittedBeforeTheFirstStepAndRecordedAtTheFirstPosition() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new Desk())
                .action("ask")
                .input(new Question("How do I file an expense?", 1))
                .run()
                .assertCompleted();

        assertThat(run.items().list())
                .extracting(i -> i.content().get("role") + ":" + i.content().get("text"))
                .containsExactly("user:How do I file an expense?", "assistant:answer to How do I file an expense?");
        List<EventRecord> events = run.storedEvents();
        assertThat(types(events))
                .containsExactly(
                        "request.created", "request.in_progress", "item.done", "item.done", "request.completed");
        assertThat(events.get(2).json()).contains("\"role\":\"user\"").contains("How do I file an expense?");

        a = EngineHarness.direct();
        a.engine.register(read(Desk.class, Desk::new));
        a.engine
                .<Question, String>handle("desk", "ask")
                .run(
                        new Question("again", 1),
                        RunOptions.defaults().withFlowId("r-0").withSessionId("s-0"));
        CheckpointRecord first = a.store.loadCheckpoints("r-0").get(0);
        assertThat(first.position()).isZero();
        assertThat(first.kind()).isEqualTo(CheckpointKind.EMIT);
        assertThat(first.label()).isEqualTo(Item.Type.MESSAGE.name());
    }

    @Test
    void anActionThatDeclaresNoneEmitsNothing() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new Desk())
                .action("silent")
                .input(new Question("hello", 1))
                .run()
                .assertCompleted();

        assertThat(run.items().list()).isEmpty();
    }

    @Test
    void aResumedRunDoesNotEmitItAgain() {
        TestRun<String> suspended = CruxTest.<Question, String>testFlow(new Desk())
                .action("approve")
                .input(new Question("may I?", 2))
                .run()
                .assertSuspended("manager");

        TestRun<String> done = suspended.signal("manager", new Approval(true)).assertOutput("approved");

        assertThat(done.items().messageTexts()).containsExactly("may I?");
        assertThat(userMessages(done.storedEvents())).isEqualTo(1);
    }

    @Test
    void aRunRecoveredByAnotherEngineDoesNotEmitItAgain() throws Exception {
        Stuck.inStep = new CountDownLatch(1);
        Stuck.release = new CountDownLatch(1);
        Stuck.crash.set(true);
        FlowModel model = read(Stuck.class, Stuck::new);
        a = EngineHarness.pooled("node-a");
        a.engine.register(model);
        FlowHandle<Question, String> handle = a.engine.handle("stuck", "ask");
        handle.start(
                new Question("recover me", 3),
                RunOptions.defaults().withFlowId("r-1").withSessionId("s-1").withEvents(true));
        assertThat(Stuck.inStep.await(10, TimeUnit.SECONDS)).isTrue();

        EngineHarness b = a.sibling("node-b", new InlineExecutor());
        b.engine.register(model);
        a.clock.advance(java.time.Duration.ofSeconds(30)); // node-a's lease ends
        assertThat(b.engine.maintain()).isEqualTo(1);
        Stuck.release.countDown();

        assertThat(b.record("r-1").status()).isEqualTo(FlowStatus.COMPLETED);
        List<ItemRecord> items = b.sessions.listItems("s-1", 100);
        assertThat(items).extracting(i -> i.item().content().get("text")).containsExactly("recover me");
        assertThat(userMessages(b.sessions.readEvents("r-1", 0, 100))).isEqualTo(1);
    }

    @Test
    void aFlowHandlerDeclaresItOnTheDefinition() {
        TestRun<String> run = CruxTest.<Question, String>testFlow(new Handled())
                .input(new Question("from the handler", 1))
                .run()
                .assertCompleted();

        assertThat(run.items().messageTexts()).containsExactly("from the handler");
    }

    @Test
    void anInputThatImplementsUserMessageSaysItItselfAlsoInARunThatIsNotDurable() {
        FlowModel model = read(ComposedFlow.class, ComposedFlow::new);
        Object text = model.actions().get("run").userMessage().apply(new Composed("Travel", "a hotel?"));
        assertThat(text).isEqualTo("Travel: a hotel?");

        TestRun<String> run = CruxTest.<Composed, String>testFlow(new ComposedFlow())
                .input(new Composed("Travel", "a hotel?"))
                .run();

        run.assertOutput("ok"); // nothing is stored for a flow that is not durable, and nothing fails
    }
}
