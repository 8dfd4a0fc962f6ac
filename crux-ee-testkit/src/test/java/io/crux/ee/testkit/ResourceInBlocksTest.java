package io.crux.ee.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Rescued;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.exception.ResourceConflictException;
import io.crux.ee.block.Handler;
import io.crux.ee.block.Sequencer;

/** A block reaches a resource it declares in code; its own conflict is a failure that a rescue may recover from. */
class ResourceInBlocksTest {

    static final ResourceDecl<String> DRAFTS = ResourceDecl.session("drafts", String.class);

    @Test
    void aBlockWritesAResourceItDeclaresAndRescuesItsOwnConflict() {
        Sequencer<String, String> seq = Sequencer.<String>named("edit")
                .then(Handler.of("save", (String text, BlockContext ctx) -> {
                    ctx.resource(DRAFTS).put("d1", text);
                    return text;
                }))
                .then(Handler.of(
                        "overwrite",
                        (String text, BlockContext ctx) -> ctx.resource(DRAFTS)
                                .put("d1", text + " (edited)", 999)
                                .value()))
                .rescue(
                        ResourceConflictException.class,
                        Handler.of(
                                "reread",
                                (Rescued<String> r, BlockContext ctx) -> "kept "
                                        + ctx.resource(DRAFTS).get("d1").orElseThrow() + " after "
                                        + r.message().substring(0, 9)))
                .build();

        TestRun<String> run = CruxTest.testBlock(seq).input("draft").run();

        run.assertOutput("kept draft after CRUX0242E");
        run.steps().succeeded("save", "reread").failed("overwrite");
        assertThat(run.events())
                .filteredOn(e -> e.type().equals("resource.changed"))
                .hasSize(1);
    }
}
