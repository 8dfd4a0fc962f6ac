package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.NoConsensusException;
import io.crux.ee.block.Consensus.Outcome;
import io.crux.ee.block.Consensus.Tally;
import io.crux.ee.block.Consensus.TieBreak;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/**
 * Voters answer the same input and a rule decides; the tally is the step {@code <consensus>/tally}, and a
 * run that continues after a suspension replays the votes and the decision without asking anyone again.
 */
class ConsensusTest {

    public record Approval(String by) {}

    public record Review(String verdict, String by) {}

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger ruleCalls = new AtomicInteger();

    private Handler<String, String> voter(String name, String answer) {
        return Handler.of(name, (in, ctx) -> {
            calls.incrementAndGet();
            return answer;
        });
    }

    private Consensus.Rule counted(Consensus.Rule rule) {
        return Consensus.Rule.of(rule.name(), rule.decidesEarly(), (votes, voters) -> {
            ruleCalls.incrementAndGet();
            return rule.decide(votes, voters);
        });
    }

    @Test
    void theMajorityWinsTheTallyIsRecordedAndAReplayAsksNoVoterAgain() {
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "yes"), voter("b", "no"), voter("c", "yes"))
                .rule(Consensus.Rule.majority());
        Handler<String, String> approve = Handler.of(
                "approve",
                (s, ctx) -> s + " by "
                        + ctx.scope().suspend("approval", Approval.class).by() + ", tally "
                        + ctx.scope().results().get("review/vote/tally"));
        Sequencer<String, String> review =
                Sequencer.<String>named("review").then(vote).then(approve).build();

        TestRun<String> suspended = CruxTest.testBlock(review).input("draft").run();
        suspended
                .assertSuspended("approval")
                .steps()
                .succeeded("vote/a", "vote/b", "vote/c", "vote/tally")
                .inOrder("vote/a", "vote/b", "vote/c", "vote/tally");
        assertThat(calls).hasValue(3);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        assertThat(calls).as("the voters ran once").hasValue(3);
        assertThat(done.output())
                .startsWith(
                        "yes by ann, tally Tally[rule=majority, votes=[Vote[voter=a, key=yes], Vote[voter=b, key=no],"
                                + " Vote[voter=c, key=yes]], counts=[Count[option=yes, votes=2], Count[option=no, votes=1]], outcome=DECIDED, decision=yes, tied=[]]");
    }

    @Test
    void theRecordedDecisionStandsEvenIfTheRuleWouldNowDecideOtherwise() {
        AtomicInteger flips = new AtomicInteger();
        Consensus.Rule fickle = Consensus.Rule.of("fickle", (votes, voters) -> {
            ruleCalls.incrementAndGet();
            return votes.size() < voters ? null : Consensus.Decision.of(flips.get() == 0 ? "x" : "y");
        });
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "x"), voter("b", "y"))
                .rule(fickle);
        Handler<String, String> approve = Handler.of(
                "approve",
                (s, ctx) -> s + "/"
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<String, String> review =
                Sequencer.<String>named("review").then(vote).then(approve).build();

        TestRun<String> suspended = CruxTest.testBlock(review).input("draft").run();
        suspended.assertSuspended("approval");
        int rulesBefore = ruleCalls.get();
        flips.set(1);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("x/ann");
        assertThat(calls).hasValue(2);
        assertThat(ruleCalls)
                .as("the tally replayed: the rule was not asked again")
                .hasValue(rulesBefore);
    }

    @Test
    void aTieFailsWithItsMessageIdAndTheTallyRecordsIt() {
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "yes"), voter("b", "no"))
                .rule(Consensus.Rule.plurality());

        TestRun<String> run = CruxTest.testBlock(vote).input("draft").run();

        assertThat(run.failure())
                .isInstanceOf(NoConsensusException.class)
                .hasMessageStartingWith("CRUX0250E")
                .hasMessageContaining("[yes, no]");
        NoConsensusException failure = (NoConsensusException) run.failure();
        assertThat(failure.tied()).containsExactly("yes", "no");
        assertThat(failure.counts()).containsExactly(Map.entry("yes", 1), Map.entry("no", 1));
        run.steps().succeeded("vote/a", "vote/b", "vote/tally");
    }

    @Test
    void aTieBreakGivesTheTiedOptionVotedForFirst() {
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "no"), voter("b", "yes"), voter("c", "maybe"), voter("d", "yes"), voter("e", "no"))
                .rule(Consensus.Rule.plurality())
                .onTie(TieBreak.FIRST_VOTE);

        TestRun<String> run = CruxTest.testBlock(vote).input("draft").run();

        run.assertOutput("no");
    }

    @Test
    void aMajorityThatNoOptionReachesFailsWithNoDecision() {
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "x"), voter("b", "x"), voter("c", "y"), voter("d", "z"))
                .rule(Consensus.Rule.majority());

        TestRun<String> run = CruxTest.testBlock(vote).input("draft").run();

        assertThat(run.failure()).isInstanceOf(NoConsensusException.class).hasMessageStartingWith("CRUX0251E");
        assertThat(((NoConsensusException) run.failure()).tied()).isEmpty();
    }

    @Test
    void aSplitUnanimousVoteDecidesNothingAndAnAgreedOneDecides() {
        TestRun<String> split = CruxTest.testBlock(Consensus.<String, String>named("vote")
                        .voters(voter("a", "x"), voter("b", "y"))
                        .rule(Consensus.Rule.unanimous()))
                .input("q")
                .run();
        TestRun<String> agreed = CruxTest.testBlock(Consensus.<String, String>named("vote")
                        .voters(voter("a", "x"), voter("b", "x"))
                        .rule(Consensus.Rule.unanimous()))
                .input("q")
                .run();

        assertThat(split.failure()).hasMessageStartingWith("CRUX0251E");
        agreed.assertOutput("x");
    }

    @Test
    void firstToKStopsAskingVotersOnceAnOptionHasKVotes() {
        Consensus<String, String> vote = Consensus.<String, String>named("vote")
                .voters(voter("a", "x"), voter("b", "y"), voter("c", "x"), voter("d", "x"))
                .rule(counted(Consensus.Rule.firstTo(2)));

        TestRun<String> run = CruxTest.testBlock(vote).input("q").run();

        run.assertOutput("x")
                .steps()
                .succeeded("vote/a", "vote/b", "vote/c", "vote/tally")
                .notRun("vote/d");
        assertThat(calls).hasValue(3);
    }

    @Test
    void votesAreComparedByTheirKeyAndTheAnswerIsTheFirstVoterWithTheWinningKey() {
        Consensus<String, Review> vote = Consensus.<String, Review>named("vote")
                .voters(
                        Handler.of("a", (String s, io.crux.ee.api.BlockContext c) -> new Review("ok", "a")),
                        Handler.of("b", (String s, io.crux.ee.api.BlockContext c) -> new Review("revise", "b")),
                        Handler.of("c", (String s, io.crux.ee.api.BlockContext c) -> new Review("ok", "c")))
                .key(Review::verdict);

        TestRun<Review> run = CruxTest.testBlock(vote).input("q").run();

        run.assertOutput(new Review("ok", "a"));
    }

    @Test
    void votersNeedDistinctNamesOtherThanTally() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Consensus.<String, String>named("v").voters(voter("tally", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Consensus.<String, String>named("v").voters(voter("a", "x"), voter("a", "y")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Consensus.Rule.top(List.of()).outcome()).isEqualTo(Outcome.NONE);
        assertThat(Tally.class.getRecordComponents()).hasSize(6);
    }
}
