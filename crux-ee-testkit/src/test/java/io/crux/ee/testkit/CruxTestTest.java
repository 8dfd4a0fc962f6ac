package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.validation.constraints.NotBlank;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Action;
import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Item;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.InvalidInputException;
import io.crux.ee.block.Handler;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;

/** The test kit itself: seeding, observation, assertions and continuing a suspended run. */
class CruxTestTest {

    public record Order(@NotBlank String customer, int quantity) {}

    /** A classic flow with steps, state, items and a suspension. */
    @FlowDefinition("orders")
    public static class OrderFlow {
        final AtomicInteger priceCalls = new AtomicInteger();

        @Action("place")
        public String place(FlowScope<Order> flow) {
            String tier = flow.user().get("tier", String.class).orElse("basic");
            long discount = flow.project().get("discount", Long.class).orElse(0L);
            long price = flow.step(
                    "price",
                    () -> {
                        if (priceCalls.incrementAndGet() < 3) {
                            throw new IOException("prices unavailable");
                        }
                        return flow.input().quantity() * 10L - discount;
                    },
                    StepOptions.<Long>retry(3, Duration.ofSeconds(2), Backoff.EXPONENTIAL));
            flow.emit(Item.status("priced"));
            flow.step("count", () -> flow.session().inc("orders", 1)); // state changes replay unless in a step
            String approver = flow.suspend("approval", String.class);
            flow.step("confirm", () -> {
                flow.message("assistant").done();
                return true;
            });
            flow.emit(Item.message("assistant", "ok " + flow.input().customer()));
            return tier + ":" + price + ":" + approver;
        }
    }

    private TestRun<String> suspendedRun(OrderFlow flow) {
        return CruxTest.<Order, String>testFlow(flow)
                .input(new Order("ada", 3))
                .userState(Map.of("tier", "gold"))
                .projectState(Map.of("discount", 5))
                .sessionState(Map.of("orders", 41))
                .run();
    }

    @Test
    void seededStateIsVisibleToTheFlowAndRetryWaitsTakeNoTime() {
        OrderFlow flow = new OrderFlow();

        TestRun<String> run = suspendedRun(flow).assertSuspended("approval");

        run.steps().succeeded("price").attempts("price", 3).notRun("confirm");
        assertThat(run.retryWaits()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        run.session()
                .has("orders", 42)
                .and()
                .user()
                .has("tier", "gold")
                .and()
                .project()
                .has("discount", 5);
        run.items().hasTypes(Item.Type.STATUS);
    }

    @Test
    void aSuspendedRunContinuesWithinTheTest() {
        OrderFlow flow = new OrderFlow();

        TestRun<String> done = suspendedRun(flow).signal("approval", "grace");

        done.assertCompleted().assertOutput("gold:25:grace");
        done.steps()
                .succeeded("price", "count", "confirm")
                .inOrder("price", "count", "confirm")
                .count(3);
        done.items()
                .hasTypes(Item.Type.STATUS, Item.Type.MESSAGE, Item.Type.MESSAGE)
                .containsMessage("assistant", "ok ada")
                .allHaveStatus(Item.Status.COMPLETED);
        assertThat(flow.priceCalls).hasValue(3);
        assertThat(done.session().get("orders", Integer.class)).contains(42);
    }

    @Test
    void failedAssertionsSayWhatWasExpectedAndWhatHappened() {
        TestRun<String> run = suspendedRun(new OrderFlow());

        assertThatThrownBy(run::assertCompleted)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to complete")
                .hasMessageContaining("SUSPENDED")
                .hasMessageContaining("price");
        assertThatThrownBy(() -> run.steps().succeeded("confirm"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'confirm'")
                .hasMessageContaining("never ran")
                .hasMessageContaining("price=SUCCEEDEDx3");
        assertThatThrownBy(() -> run.steps().attempts("price", 1))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Expected step 'price' to take 1 attempt(s) but it took 3 (SUCCEEDED)");
        assertThatThrownBy(() -> run.session().has("orders", 7))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("'orders' to be 7 but it is 42");
        assertThatThrownBy(() -> run.items().containsMessage("assistant", "hello"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("\"hello\"");
        assertThatThrownBy(() -> run.assertFailed(IOException.class)).isInstanceOf(AssertionError.class);
    }

    @Test
    void invalidInputFailsTheRunBeforeAnyStep() {
        TestRun<String> run = CruxTest.<Order, String>testFlow(new OrderFlow())
                .input(new Order(" ", 1))
                .run();

        assertThat(run.status()).isEqualTo(FlowStatus.FAILED);
        run.assertFailed(InvalidInputException.class).steps().count(0);
    }

    @Test
    void aServiceThatWasNotGivenFailsWithAClearMessage() {
        Handler<String, String> ask =
                Handler.of("ask", (s, ctx) -> ctx.service(Greeter.class).greet(s));

        TestRun<String> run = CruxTest.testBlock(ask)
                .input("hi")
                .service(Runnable.class, () -> {})
                .run();

        run.assertFailed(NoSuchElementException.class).steps().failed("ask");
        assertThat(run.failure().getCause())
                .hasMessageStartingWith("CRUX0052E")
                .hasMessageContaining(Greeter.class.getName())
                .hasMessageContaining("[java.lang.Runnable]");
    }

    @Test
    void aGivenServiceIsFoundByItsType() {
        Handler<String, String> ask =
                Handler.of("ask", (s, ctx) -> ctx.service(Greeter.class).greet(s));

        TestRun<String> run = CruxTest.testBlock(ask)
                .input("Ada")
                .service(Greeter.class, name -> "Hello, " + name)
                .run();

        assertThat(run.assertCompleted().output()).isEqualTo("Hello, Ada");
    }

    /** A service that a test gives to its blocks. */
    interface Greeter {
        String greet(String name);
    }

    @Test
    void anUnusableDefinitionIsRefusedWithItsProblems() {
        assertThatThrownBy(() -> CruxTest.testFlow(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0068E")
                .hasMessageContaining("CRUX0005E");
    }

    @Test
    void eventsShowTheLiveStreamAndStoredEventsTheLogWithoutDeltas() {
        Handler<String, String> echo = Handler.of("echo", (s, ctx) -> {
            try (var message = ctx.scope().message("assistant")) {
                message.delta("ec");
                message.delta("ho " + s);
                message.done();
                return message.text();
            }
        });

        TestRun<String> run = CruxTest.testBlock(echo).input("hi").run().assertOutput("echo hi");

        assertThat(run.events()).extracting(EventRecord::type).contains("content.delta", "item.added", "item.done");
        assertThat(run.events())
                .filteredOn(e -> e.type().equals("content.delta"))
                .extracting(EventRecord::json)
                .satisfiesExactly(
                        d -> assertThat(d).contains("\"delta\":\"ec\""),
                        d -> assertThat(d).contains("\"delta\":\"ho hi\""));
        assertThat(run.storedEvents())
                .extracting(EventRecord::type)
                .doesNotContain("content.delta")
                .containsSubsequence("item.added", "item.done");
        assertThat(run.storedEvents())
                .isEqualTo(run.events().stream()
                        .filter(e -> !e.type().equals("content.delta"))
                        .toList());
    }

    @Test
    void aGivenTracerSeesEveryStepAttemptAndTheKitStillRecordsTheSteps() {
        List<String> traced = new CopyOnWriteArrayList<>();
        FlowTracer tracer = new FlowTracer() {
            @Override
            public Object captureContext() {
                return null;
            }

            @Override
            public Span startRun(
                    Object parentContext, String flowName, String flowId, String parentFlowId, String sessionId) {
                traced.add("run " + flowName);
                return Span.NOOP;
            }

            @Override
            public Span startStep(Span run, String flowName, String flowId, String label, String stepId, int attempt) {
                traced.add("step " + label + " #" + attempt);
                return new Span() {
                    @Override
                    public void end() {
                        traced.add("end " + label + " #" + attempt);
                    }
                };
            }
        };

        TestRun<String> run = CruxTest.<Order, String>testFlow(new OrderFlow())
                .input(new Order("ada", 3))
                .tracer(tracer)
                .run()
                .assertSuspended("approval");

        run.steps().succeeded("price").attempts("price", 3);
        assertThat(traced)
                .startsWith(
                        "run orders",
                        "step price #1",
                        "end price #1",
                        "step price #2",
                        "end price #2",
                        "step price #3",
                        "end price #3");
    }

    @Test
    void givenMetricsHearOfTheRunItsAttemptsAndItsRetriesOnceEachAcrossItsSignal() {
        List<String> heard = new CopyOnWriteArrayList<>();
        FlowMetrics metrics = new FlowMetrics() {
            @Override
            public void runStarted(String flowName) {
                heard.add("started " + flowName);
            }

            @Override
            public void runEnded(String flowName, String outcome, Duration duration) {
                heard.add("ended " + flowName + " " + outcome + " after " + duration);
            }

            @Override
            public void stepAttempted(String flowName, boolean succeeded, Duration duration) {
                heard.add(succeeded ? "succeeded" : "failed");
            }

            @Override
            public void stepRetried(String flowName) {
                heard.add("retry");
            }
        };

        CruxTest.<Order, String>testFlow(new OrderFlow())
                .input(new Order("ada", 3))
                .metrics(metrics)
                .run()
                .assertSuspended("approval")
                .signal("approval", "bob")
                .assertCompleted();

        // price fails twice (retried after 2 s and 4 s on the kit's clock), count, then confirm after the signal
        assertThat(heard)
                .containsExactly(
                        "started orders",
                        "failed",
                        "retry",
                        "failed",
                        "retry",
                        "succeeded",
                        "succeeded",
                        "succeeded",
                        "ended orders completed after PT6S");
    }

    /** A flow whose step takes a measurable moment, without sleeping: it spins until the clock moved. */
    @FlowDefinition("timed")
    public static class TimedFlow {
        final List<Duration> bodies = new CopyOnWriteArrayList<>();

        @Action("run")
        public String run(FlowScope<String> flow) {
            return flow.step("work", () -> {
                long start = System.nanoTime();
                while (System.nanoTime() - start < 2_000_000L) {
                    Thread.onSpinWait();
                }
                bodies.add(Duration.ofNanos(System.nanoTime() - start));
                return "done";
            });
        }
    }

    @Test
    void stepsCarryTheWallClockTimeTheirAttemptsRan() {
        TimedFlow flow = new TimedFlow();

        TestRun<String> run = CruxTest.<String, String>testFlow(flow).input("x").run();

        StepRecord work = run.assertCompleted().steps().get("work");
        assertThat(work.duration()).isGreaterThanOrEqualTo(flow.bodies.get(0));
        assertThat(new StepRecord("a", StepRecord.Status.SUCCEEDED, 1, 0).duration())
                .isZero();
    }

    @Test
    void findServiceReturnsWhatWasGiven() {
        FlowTest<String, String> test =
                CruxTest.<String, String>testFlow(new TimedFlow()).service(CharSequence.class, "svc");

        assertThat(test.findService(CharSequence.class)).contains("svc");
        assertThat(test.findService(String.class)).isEmpty();
    }
}
