package io.crux.it.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.exception.GuardrailBlockedException;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.it.support.Calls;
import io.crux.it.support.Deployments;

/** Retry with backoff on the managed scheduled executor, fallback, and policy-terminal errors, in Liberty. */
@ExtendWith(ArquillianExtension.class)
class StepRetryIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-retry", RetryFlows.class, Calls.class);
    }

    @Inject
    Calls calls;

    @Inject
    @Flow(value = "it-retry", action = "flaky")
    FlowHandle<String, String> flaky;

    @Inject
    @Flow(value = "it-retry", action = "down")
    FlowHandle<String, String> down;

    @Inject
    @Flow(value = "it-retry", action = "blocked")
    FlowHandle<String, String> blocked;

    @Test
    void transientFailuresAreRetriedAndEarlierStepsDoNotRunAgain() {
        FlowResult<String> result = flaky.run("world");

        FlowResult.Completed<String> done = assertInstanceOf(FlowResult.Completed.class, result);
        assertEquals("hello world", done.output());
        assertEquals(3, calls.count("flaky"), "three attempts of the flaky step");
        assertEquals(1, calls.count("prefix"), "the completed step before it replayed from its checkpoint");
        FlowRunInfo run = flaky.get(result.flowId()).orElseThrow();
        assertEquals(3, run.steps().get(1).attempts());
    }

    @Test
    void fallbackAnswersOnceAttemptsRunOut() {
        FlowResult.Completed<String> done = assertInstanceOf(FlowResult.Completed.class, down.run("x"));

        assertEquals("fallback: service down", done.output());
        assertEquals(3, calls.count("down"));
        FlowRunInfo.StepInfo step =
                down.get(done.flowId()).orElseThrow().steps().get(0);
        assertTrue(step.fallback());
        assertEquals(3, step.attempts());
    }

    @Test
    void policyTerminalErrorIsNeitherRetriedNorSentToTheFallback() {
        int fallbacksBefore = calls.count("fallback");

        StepFailedException failure = assertThrows(StepFailedException.class, () -> blocked.run("x"));

        assertEquals(1, calls.count("blocked"));
        assertEquals(fallbacksBefore, calls.count("fallback"));
        assertEquals(1, failure.attempts());
        assertEquals("call", failure.stepLabel().orElseThrow());
        assertInstanceOf(GuardrailBlockedException.class, failure.getCause());
        assertTrue(failure.getMessage().startsWith("CRUX0011E"), failure.getMessage());
    }
}
