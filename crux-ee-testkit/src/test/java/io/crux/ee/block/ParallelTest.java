package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Parallel branches and map items run concurrently up to their limit, and their interruptions combine sanely. */
class ParallelTest {

    /** A pool that counts the tasks handed to it. */
    static final class CountingExecutor extends AbstractExecutorService {
        final ExecutorService pool = Executors.newCachedThreadPool();
        final AtomicInteger submitted = new AtomicInteger();

        @Override
        public void execute(Runnable command) {
            submitted.incrementAndGet();
            pool.execute(command);
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return pool.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return pool.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return pool.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return pool.awaitTermination(timeout, unit);
        }
    }

    private final CountingExecutor executor = new CountingExecutor();

    @AfterEach
    void tearDown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void mapRunsItemsConcurrentlyButNeverMoreThanTheLimit() {
        int limit = 2;
        CyclicBarrier together = new CyclicBarrier(limit);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        Handler<Integer, Integer> square = Handler.of("square", (n, ctx) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                // only passes when `limit` items are inside at the same time
                together.await(10, TimeUnit.SECONDS);
                return n * n;
            } finally {
                running.decrementAndGet();
            }
        });
        Sequencer<List<Integer>, List<Integer>> seq = Sequencer.<List<Integer>>named("s")
                .map("items", l -> l, limit, square)
                .build();

        TestRun<List<Integer>> run = CruxTest.testBlock(seq)
                .input(List.of(1, 2, 3, 4, 5, 6))
                .executor(executor)
                .run();

        run.assertOutput(List.of(1, 4, 9, 16, 25, 36));
        assertThat(most).as("items inside at once").hasValue(limit);
        assertThat(executor.submitted)
                .as("the run's own task, and limit - 1 helpers beside it")
                .hasValue(1 + limit - 1);
        assertThat(run.steps().labels()).hasSize(6).allMatch(l -> l.matches("s/items\\[\\d]/square"));
    }

    @Test
    void aSuspensionInABranchIsNamedAfterTheBranchAndFinishedBranchesDoNotRunAgain() {
        AtomicInteger quickCalls = new AtomicInteger();
        Handler<String, String> quick = Handler.of("quick", (s, ctx) -> s + quickCalls.incrementAndGet());
        Handler<String, String> ask =
                Handler.of("ask", (s, ctx) -> s + ctx.scope().suspend("answer", String.class));
        Sequence seq = new Sequence(Sequencer.<String>named("s")
                .parallel("fan", 2, Sequencer.branch("a", quick), Sequencer.branch("b", ask))
                .then(Handler.of(
                        "join",
                        (Results r, BlockContext ctx) -> r.get("a", String.class) + "+" + r.get("b", String.class)))
                .build());

        TestRun<String> suspended = CruxTest.testBlock(seq.block).input("x").run();
        suspended.assertSuspended("s/fan[b]/answer").steps().succeeded("fan[a]/quick");

        TestRun<String> done = suspended.signal("s/fan[b]/answer", "!");

        done.assertOutput("x1+x!").steps().succeeded("quick", "ask", "join");
        assertThat(quickCalls).hasValue(1);
    }

    @Test
    void aFailedBranchWinsOverASuspendedOneAndStopsBranchesThatDidNotStart() {
        Handler<String, String> ask = Handler.of("ask", (s, ctx) -> ctx.scope().suspend("answer", String.class));
        Handler<String, String> fail = Handler.of("fail", (s, ctx) -> {
            throw new IOException("broken");
        });
        Handler<String, String> later = Handler.of("later", (s, ctx) -> s);
        Sequencer<String, Results> seq = Sequencer.<String>named("s")
                .parallel(
                        "fan", 1, Sequencer.branch("a", ask), Sequencer.branch("b", fail), Sequencer.branch("c", later))
                .build();

        // with a limit of 1 the branches run in order: a suspends, so b and c never start
        CruxTest.testBlock(seq)
                .input("x")
                .run()
                .assertSuspended("s/fan[a]/answer")
                .steps()
                .notRun("fail", "later");

        Sequencer<String, Results> failFirst = Sequencer.<String>named("s")
                .parallel("fan", 1, Sequencer.branch("b", fail), Sequencer.branch("a", ask))
                .build();
        CruxTest.testBlock(failFirst)
                .input("x")
                .run()
                .assertFailed(IOException.class)
                .steps()
                .notRun("ask");
    }

    @Test
    void aRetryWaitInABranchContinuesTheRunAndCompletedBranchesReplay() {
        AtomicInteger steadyCalls = new AtomicInteger();
        AtomicInteger flakyCalls = new AtomicInteger();
        Handler<Integer, Integer> steady = Handler.of("steady", (n, ctx) -> n + steadyCalls.incrementAndGet() * 0);
        Handler<Integer, Integer> flaky = Handler.<Integer, Integer>of("flaky", (n, ctx) -> {
                    if (flakyCalls.incrementAndGet() < 3) {
                        throw new IOException("busy");
                    }
                    return n * 10;
                })
                .withOptions(StepOptions.<Integer>retry(3, Duration.ofSeconds(5), Backoff.LINEAR));
        Sequencer<Integer, Results> seq = Sequencer.<Integer>named("s")
                .parallel("fan", 2, Sequencer.branch("steady", steady), Sequencer.branch("flaky", flaky))
                .build();

        TestRun<Results> run =
                CruxTest.testBlock(seq).input(2).executor(executor).run();

        assertThat(run.output().values()).containsEntry("steady", 2).containsEntry("flaky", 20);
        assertThat(steadyCalls)
                .as("the completed branch replayed during the retries")
                .hasValue(1);
        assertThat(run.retryWaits()).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
        run.steps().attempts("flaky", 3).attempts("steady", 1);
    }

    @Test
    void eachBranchWaitsItsOwnRetryDelayWhenBranchesWaitTogether() {
        AtomicInteger quickCalls = new AtomicInteger();
        AtomicInteger slowCalls = new AtomicInteger();
        java.util.concurrent.CyclicBarrier bothStarted = new java.util.concurrent.CyclicBarrier(2);
        Handler<Integer, Integer> quick = Handler.<Integer, Integer>of("quick", (n, ctx) -> {
                    if (quickCalls.incrementAndGet() < 2) {
                        bothStarted.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        throw new IOException("busy");
                    }
                    return n;
                })
                .withOptions(StepOptions.<Integer>retry(3, Duration.ofSeconds(1), Backoff.LINEAR));
        Handler<Integer, Integer> slow = Handler.<Integer, Integer>of("slow", (n, ctx) -> {
                    if (slowCalls.incrementAndGet() < 2) {
                        bothStarted.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        throw new IOException("rate limited");
                    }
                    return n * 10;
                })
                .withOptions(StepOptions.<Integer>retry(2, Duration.ofSeconds(60), Backoff.LINEAR));
        Sequencer<Integer, Results> seq = Sequencer.<Integer>named("s")
                .parallel("fan", 2, Sequencer.branch("quick", quick), Sequencer.branch("slow", slow))
                .build();

        TestRun<Results> run =
                CruxTest.testBlock(seq).input(3).executor(executor).run();

        assertThat(run.output().values()).containsEntry("quick", 3).containsEntry("slow", 30);
        // the shortest wait wakes the run; the slow branch then waits the rest of its 60 s
        assertThat(run.retryWaits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(59));
        assertThat(slowCalls).hasValue(2);
        run.steps().attempts("quick", 2).attempts("slow", 2);
    }

    /** Holds a block so that the test reads like the flow it builds. */
    private record Sequence(Block<String, String> block) {}
}
