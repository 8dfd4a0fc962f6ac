package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Agents share a versioned board; each agent's writes are its step's record, so a continued run
 * rebuilds the same board without running the agents, and compare-and-set refuses a stale write.
 */
class BlackboardTest {

    public record Notes(List<String> lines) {}

    public record Approval(String by) {}

    private final AtomicInteger researcherRuns = new AtomicInteger();
    private final AtomicInteger writerRuns = new AtomicInteger();
    private final List<String> seen = new ArrayList<>();

    private Blackboard<String, String> desk() {
        return Blackboard.<String, String>named("desk")
                .seed((question, board) -> board.put("question", question))
                .agent("researcher", (question, board, ctx) -> {
                    researcherRuns.incrementAndGet();
                    Notes notes = board.get("notes", Notes.class).orElse(new Notes(List.of()));
                    List<String> more = new ArrayList<>(notes.lines());
                    more.add("fact " + (more.size() + 1) + " about " + question);
                    board.put("notes", new Notes(more));
                })
                .agent("writer", (question, board, ctx) -> {
                    writerRuns.incrementAndGet();
                    Notes notes = board.get("notes", Notes.class).orElseThrow();
                    if (notes.lines().size() >= 2) {
                        board.compareAndSet("draft", 0, String.join("; ", notes.lines()));
                    }
                })
                .until(board -> board.has("draft"))
                .maxRounds(3)
                .result(board -> board.get("draft", String.class).orElseThrow() + " (v" + board.version("notes") + ")");
    }

    @Test
    void agentsReadAndWriteTheBoardInRoundsAndAContinuedRunRebuildsItWithoutRunningThem() {
        Handler<String, String> publish = Handler.of(
                "publish",
                (s, ctx) -> s + " approved by "
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<String, String> flow =
                Sequencer.<String>named("answer").then(desk()).then(publish).build();

        TestRun<String> suspended = CruxTest.testBlock(flow).input("steps").run();
        suspended
                .assertSuspended("approval")
                .steps()
                .inOrder(
                        "desk/round[0]/researcher",
                        "desk/round[0]/writer",
                        "desk/round[1]/researcher",
                        "desk/round[1]/writer")
                .notRun("desk/round[2]/researcher");

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("fact 1 about steps; fact 2 about steps (v2) approved by ann");
        assertThat(researcherRuns)
                .as("the agents ran once per round, not again on replay")
                .hasValue(2);
        assertThat(writerRuns).hasValue(2);
    }

    @Test
    void compareAndSetRefusesAWriteAfterAnotherAgentsAndTheBoardKeepsTheWinner() {
        Blackboard<String, String> race = Blackboard.<String, String>named("race")
                .agent("first", (q, board, ctx) -> {
                    seen.add("first read v" + board.version("owner"));
                    assertThat(board.compareAndSet("owner", 0, "first")).isTrue();
                })
                .agent("second", (q, board, ctx) -> {
                    long staleVersion = 0; // read before the first agent wrote
                    seen.add("second cas " + board.compareAndSet("owner", staleVersion, "second"));
                    seen.add("second read " + board.get("owner", String.class).orElseThrow() + " v"
                            + board.version("owner"));
                })
                .result(board -> board.get("owner", String.class).orElseThrow() + " v" + board.version("owner"));

        TestRun<String> run = CruxTest.testBlock(race).input("q").run();

        run.assertOutput("first v1");
        assertThat(seen).containsExactly("first read v0", "second cas false", "second read first v1");
    }

    @Test
    void aFailedAttemptsWritesAreDropped() {
        AtomicInteger attempts = new AtomicInteger();
        Blackboard<String, String> flaky = Blackboard.<String, String>named("flaky")
                .agent("counter", (q, board, ctx) -> {
                    board.put("count", board.get("count", Integer.class).orElse(0) + 1);
                    if (attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("flaky");
                    }
                })
                .result(board -> board.get("count", Integer.class).orElseThrow() + " v" + board.version("count"))
                .withOptions(StepOptions.retry(2, java.time.Duration.ofMillis(10), Backoff.LINEAR));

        TestRun<String> run = CruxTest.testBlock(flaky).input("q").run();

        run.assertOutput("1 v1").steps().attempts("flaky/round[0]/counter", 2);
    }

    @Test
    void theBoundFailsWhenTheWorkIsNotDone() {
        Blackboard<String, String> never = Blackboard.<String, String>named("never")
                .agent("idle", (q, board, ctx) -> board.put("tick", 1))
                .until(board -> false)
                .maxRounds(2)
                .result(board -> "unreachable");

        TestRun<String> run = CruxTest.testBlock(never).input("q").run();

        assertThat(run.failure()).isInstanceOf(LoopLimitException.class).hasMessageStartingWith("CRUX0064E");
        run.steps().succeeded("round[0]/idle", "round[1]/idle");
    }
}
