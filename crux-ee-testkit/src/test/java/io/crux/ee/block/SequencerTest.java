package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.Rescued;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Each operation of a sequencer, run through the test kit. */
class SequencerTest {

    private static final Handler<Integer, Integer> DOUBLE = Handler.of("double", (n, ctx) -> n * 2);
    private static final Handler<Integer, Integer> INC = Handler.of("inc", (n, ctx) -> n + 1);
    private static final Handler<Integer, String> SHOW = Handler.of("show", (n, ctx) -> "n=" + n);

    @Test
    void thenChainsOutputsAndLabelsStepsWithTheirPaths() {
        Sequencer<Integer, String> seq = Sequencer.<Integer>named("calc")
                .then(DOUBLE)
                .then(INC)
                .then(SHOW)
                .build();

        TestRun<String> run = CruxTest.testBlock(seq).input(5).run();

        run.assertOutput("n=11");
        assertThat(run.steps().labels()).containsExactly("calc/double", "calc/inc", "calc/show");
        run.steps().succeeded("double", "inc", "show").inOrder("double", "inc", "show");
    }

    @Test
    void thenIfRunsOnlyWhenTheConditionHoldsAndOtherwisePassesTheValueOn() {
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .thenIf(n -> n > 10, DOUBLE)
                .then(INC)
                .build();

        CruxTest.testBlock(seq).input(20).run().assertOutput(41).steps().succeeded("double", "inc");
        CruxTest.testBlock(seq)
                .input(3)
                .run()
                .assertOutput(4)
                .steps()
                .notRun("double")
                .succeeded("inc");
    }

    @Test
    void branchRunsOneOfTwoBlocks() {
        Handler<Integer, String> small = Handler.of("small", (n, ctx) -> "small " + n);
        Handler<Integer, String> large = Handler.of("large", (n, ctx) -> "large " + n);
        Sequencer<Integer, String> seq = Sequencer.<Integer>named("s")
                .branch(n -> n >= 100, large, small)
                .build();

        CruxTest.testBlock(seq)
                .input(500)
                .run()
                .assertOutput("large 500")
                .steps()
                .succeeded("s/large")
                .notRun("small");
        CruxTest.testBlock(seq)
                .input(5)
                .run()
                .assertOutput("small 5")
                .steps()
                .succeeded("s/small")
                .notRun("large");
    }

    @Test
    void parallelGivesNamedResultsAndPutsBranchNamesInThePaths() {
        Sequencer.Branch<Integer, Integer> doubled = Sequencer.branch("doubled", DOUBLE);
        Sequencer.Branch<Integer, String> shown = Sequencer.branch("shown", SHOW);
        Sequencer<Integer, String> seq = Sequencer.<Integer>named("s")
                .parallel("fan", 2, doubled, shown)
                .then(Handler.of("merge", (Results r, BlockContext ctx) -> r.get(shown) + "/" + r.get(doubled)))
                .build();

        TestRun<String> run = CruxTest.testBlock(seq).input(4).run();

        run.assertOutput("n=4/8");
        assertThat(run.steps().labels()).containsExactly("s/fan[doubled]/double", "s/fan[shown]/show", "s/merge");
    }

    @Test
    void mapRunsTheBlockForEveryElementInOrderWithIndexedPaths() {
        Sequencer<List<Integer>, List<Integer>> seq = Sequencer.<List<Integer>>named("s")
                .map("items", list -> list, 2, DOUBLE)
                .build();

        TestRun<List<Integer>> run =
                CruxTest.testBlock(seq).input(List.of(1, 2, 3)).run();

        run.assertOutput(List.of(2, 4, 6));
        assertThat(run.steps().labels()).containsExactly("s/items[0]/double", "s/items[1]/double", "s/items[2]/double");
        run.steps().attempts("items[1]/double", 1);
    }

    @Test
    void forEachRunsForEffectsAndPassesTheValueOn() {
        Sequencer<List<String>, List<String>> seq = Sequencer.<List<String>>named("s")
                .forEach(
                        "save",
                        list -> list,
                        1,
                        Handler.of(
                                "store",
                                (String s, BlockContext ctx) -> ctx.session().push("saved", s)))
                .build();

        TestRun<List<String>> run =
                CruxTest.testBlock(seq).input(List.of("a", "b")).run();

        run.assertOutput(List.of("a", "b")).session().has("saved", List.of("a", "b"));
    }

    @Test
    void doUntilRepeatsUntilTheConditionHolds() {
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .doUntil("grow", DOUBLE, n -> n >= 20, 10)
                .build();

        TestRun<Integer> run = CruxTest.testBlock(seq).input(3).run();

        run.assertOutput(24);
        assertThat(run.steps().labels()).containsExactly("s/grow[0]/double", "s/grow[1]/double", "s/grow[2]/double");
    }

    @Test
    void doWhileRunsAtLeastOnceAndGoesOnWhileTheConditionHolds() {
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .doWhile("count", INC, n -> n < 3, 10)
                .build();

        CruxTest.testBlock(seq).input(0).run().assertOutput(3).steps().count(3);
        CruxTest.testBlock(seq).input(7).run().assertOutput(8).steps().count(1);
    }

    @Test
    void aLoopThatReachesItsBoundFailsWithLoopLimitException() {
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .doWhile("forever", INC, n -> true, 3)
                .build();

        TestRun<Integer> run = CruxTest.testBlock(seq).input(0).run();

        run.assertFailed(LoopLimitException.class);
        assertThat(run.failure()).isInstanceOf(LoopLimitException.class);
        LoopLimitException limit = (LoopLimitException) run.failure();
        assertThat(limit.iterations()).isEqualTo(3);
        assertThat(limit.messageId()).isEqualTo("CRUX0064E");
        assertThat(limit.stepLabel()).contains("s/forever");
        run.steps().count(3);
    }

    @Test
    void aLoopMayEndWithItsLastValueAtTheBound() {
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .doUntil("try", INC, n -> n > 100, 4, Sequencer.OnLimit.RETURN_LAST)
                .build();

        CruxTest.testBlock(seq).input(0).run().assertOutput(4);
    }

    @Test
    void rescueRecoversFromAFailureOfItsTypeAnywhereInTheCauseChain() {
        Handler<Integer, Integer> broken = Handler.of("fetch", (n, ctx) -> {
            throw new IOException("index is down");
        });
        Sequencer<Integer, String> seq = Sequencer.<Integer>named("s")
                .then(broken)
                .then(SHOW)
                .rescue(
                        IOException.class,
                        Handler.of(
                                "apology",
                                (Rescued<Integer> r, BlockContext ctx) ->
                                        "sorry for " + r.input() + ": " + r.message()))
                .then(Handler.of("upper", (String s, BlockContext ctx) -> s.toUpperCase()))
                .build();

        TestRun<String> run = CruxTest.testBlock(seq).input(7).run();

        run.assertOutput("SORRY FOR 7: INDEX IS DOWN");
        run.steps().failed("fetch").notRun("show").succeeded("apology", "upper");
    }

    @Test
    void rescueLetsFailuresOfOtherTypesThrough() {
        Handler<Integer, Integer> broken = Handler.of("fetch", (n, ctx) -> {
            throw new IllegalStateException("bug");
        });
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .then(broken)
                .rescue(IOException.class, Handler.of("apology", (Rescued<Integer> r, BlockContext ctx) -> -1))
                .build();

        TestRun<Integer> run = CruxTest.testBlock(seq).input(7).run();

        run.assertFailed(IllegalStateException.class).steps().notRun("apology");
        assertThat(run.failure()).isInstanceOf(StepFailedException.class);
    }

    @Test
    void childrenInheritTheSequencerRetriesUnlessTheyHaveTheirOwn() {
        AtomicInteger inheritedCalls = new AtomicInteger();
        AtomicInteger ownCalls = new AtomicInteger();
        Handler<Integer, Integer> inherits = Handler.of("inherits", (n, ctx) -> {
            if (inheritedCalls.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return n;
        });
        Handler<Integer, Integer> own = Handler.<Integer, Integer>of("own", (n, ctx) -> {
                    if (ownCalls.incrementAndGet() < 5) {
                        throw new IOException("flakier");
                    }
                    return n + 1;
                })
                .withOptions(StepOptions.<Integer>retry(5, Duration.ofSeconds(1), Backoff.LINEAR));
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .then(inherits)
                .then(own)
                .build()
                .withOptions(StepOptions.retry(3, Duration.ofMillis(100), Backoff.EXPONENTIAL));

        TestRun<Integer> run = CruxTest.testBlock(seq).input(1).run();

        run.assertOutput(2).steps().attempts("inherits", 3).attempts("own", 5);
        assertThat(run.retryWaits())
                .containsExactly(
                        Duration.ofMillis(100),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(4));
    }

    @Test
    void childOptionsReplaceTheSequencerOptionsEvenWhenThatMeansFewerAttempts() {
        AtomicInteger calls = new AtomicInteger();
        Handler<Integer, Integer> once = Handler.<Integer, Integer>of("once", (n, ctx) -> {
                    calls.incrementAndGet();
                    throw new IOException("down");
                })
                .withOptions(StepOptions.defaults());
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .then(once)
                .build()
                .withOptions(StepOptions.retry(4, Duration.ZERO, Backoff.LINEAR));

        CruxTest.testBlock(seq)
                .input(1)
                .run()
                .assertFailed(IOException.class)
                .steps()
                .attempts("once", 1)
                .failed("once");
        assertThat(calls).hasValue(1);
    }

    @Test
    void aSequencerFallbackAppliesToTheWholeSequenceAndIsNotInheritedByChildren() {
        Handler<Integer, Integer> broken = Handler.of("broken", (n, ctx) -> {
            throw new IOException("down");
        });
        Sequencer<Integer, Integer> seq = Sequencer.<Integer>named("s")
                .then(INC)
                .then(broken)
                .build()
                .withOptions(StepOptions.<Integer>retry(2, Duration.ZERO, Backoff.LINEAR)
                        .withFallback(failure -> -1));

        TestRun<Integer> run = CruxTest.testBlock(seq).input(1).run();

        run.assertOutput(-1).steps().succeeded("inc").failed("broken").attempts("broken", 2);
    }

    @Test
    void buildersCheckTheirArguments() {
        assertThatThrownBy(() -> Sequencer.named("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> Sequencer.<Integer>named("s").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Sequencer.<Integer>named("s").map("m", List::of, 0, DOUBLE))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> Sequencer.<Integer>named("s").doWhile("w", INC, n -> true, 0))
                .hasMessageContaining("maximum number of iterations");
        assertThatThrownBy(() -> Sequencer.<Integer>named("s")
                        .parallel("p", 1, Sequencer.branch("x", DOUBLE), Sequencer.branch("x", INC)))
                .hasMessageContaining("two branches named 'x'");
        assertThat(CruxTest.testBlock(Sequencer.<Integer>named("s").then(INC).build())
                        .input(1)
                        .run()
                        .status())
                .isEqualTo(FlowStatus.COMPLETED);
    }
}
