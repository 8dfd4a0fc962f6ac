package io.crux.ee.block;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.StepOptions;
import io.crux.ee.testkit.CruxTest;
import io.crux.ee.testkit.TestRun;

/** A router's choice is a candidate's name: the decision may return a copy built per call. */
class RouterTest {

    private final Handler<String, String> loud = Handler.of("loud", (s, ctx) -> s.toUpperCase());
    private final Handler<String, String> quiet = Handler.of("quiet", (s, ctx) -> s.toLowerCase());

    @Test
    void aDecisionMayReturnACopyOfACandidate() {
        Router<String, String> router = Router.of(
                "tone",
                List.of(loud, quiet),
                (s, ctx) -> loud.withOptions(StepOptions.retry(2, Duration.ofMillis(10), Backoff.LINEAR)));

        TestRun<String> run = CruxTest.testBlock(router).input("Hi").run();

        run.assertOutput("HI").steps().succeeded("tone/decide", "loud");
    }

    @Test
    void aDecisionOutsideTheCandidatesFailsTheRun() {
        Handler<String, String> stranger = Handler.of("stranger", (s, ctx) -> s);
        Router<String, String> router = Router.of("tone", List.of(loud, quiet), (s, ctx) -> stranger);

        TestRun<String> run = CruxTest.testBlock(router).input("Hi").run();

        assertThat(run.failure()).hasStackTraceContaining("CRUX0063E").hasStackTraceContaining("stranger");
        run.steps().notRun("loud").notRun("quiet");
    }
}
