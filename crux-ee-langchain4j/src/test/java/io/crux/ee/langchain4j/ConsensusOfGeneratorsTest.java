package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.exception.NoConsensusException;
import io.crux.ee.block.Consensus;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** Generators vote through a consensus block: the tally is recorded, and a continued run calls no model again. */
class ConsensusOfGeneratorsTest {

    public record Review(String verdict, String reason) {}

    public record Approval(String by) {}

    private static Generator<String, Review> reviewer(String name) {
        return Generator.<String>named(name)
                .system("You are the " + name + " reviewer. Answer approve or revise.")
                .prompt((draft, ctx) -> draft)
                .output(Review.class);
    }

    private final ScriptedModel model = ScriptedModel.named("default");

    private Consensus<String, Review> panel() {
        return Consensus.<String, Review>named("review")
                .voters(reviewer("accuracy"), reviewer("clarity"), reviewer("style"))
                .key(Review::verdict)
                .rule(Consensus.Rule.majority());
    }

    @Test
    void theMajorityOfThreeReviewersDecidesAndAResumedRunDoesNotAskThemAgain() {
        model.when(ScriptedModel.systemMessageContains("accuracy"))
                .reply(Reply.json("{\"verdict\":\"approve\",\"reason\":\"facts check out\"}"));
        model.when(ScriptedModel.systemMessageContains("clarity"))
                .reply(Reply.json("{\"verdict\":\"revise\",\"reason\":\"too dense\"}"));
        model.when(ScriptedModel.systemMessageContains("style"))
                .reply(Reply.json("{\"verdict\":\"approve\",\"reason\":\"fine\"}"));
        Handler<Review, String> publish = Handler.of(
                "publish",
                (r, ctx) -> r.verdict() + " (" + r.reason() + ") by "
                        + ctx.scope().suspend("approval", Approval.class).by());
        Sequencer<String, String> flow =
                Sequencer.<String>named("draft").then(panel()).then(publish).build();

        TestRun<String> suspended = CruxTest.testBlock(flow)
                .input("Durable steps replay.")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();
        suspended
                .assertSuspended("approval")
                .steps()
                .succeeded("review/accuracy", "review/clarity", "review/style", "review/tally");
        assertThat(model.requests()).hasSize(3);

        TestRun<String> done = suspended.signal("approval", new Approval("ann"));

        done.assertOutput("approve (facts check out) by ann");
        assertThat(model.requests()).as("no model call on replay").hasSize(3);
    }

    @Test
    void twoReviewersWhoDisagreeAreATie() {
        model.when(ScriptedModel.systemMessageContains("accuracy"))
                .reply(Reply.json("{\"verdict\":\"approve\",\"reason\":\"ok\"}"));
        model.when(ScriptedModel.systemMessageContains("clarity"))
                .reply(Reply.json("{\"verdict\":\"revise\",\"reason\":\"no\"}"));
        Consensus<String, Review> pair = Consensus.<String, Review>named("review")
                .voters(reviewer("accuracy"), reviewer("clarity"))
                .key(Review::verdict)
                .rule(Consensus.Rule.majority());

        TestRun<Review> run = CruxTest.testBlock(pair)
                .input("draft")
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .run();

        assertThat(run.failure()).isInstanceOf(NoConsensusException.class).hasMessageStartingWith("CRUX0250E");
        assertThat(((NoConsensusException) run.failure()).tied()).containsExactly("approve", "revise");
    }
}
