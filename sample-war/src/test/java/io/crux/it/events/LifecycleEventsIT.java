package io.crux.it.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.api.event.RunCancelled;
import io.crux.ee.api.event.RunCompleted;
import io.crux.ee.api.event.RunFailed;
import io.crux.ee.api.event.RunSuspended;
import io.crux.ee.api.event.StepFailed;
import io.crux.ee.api.exception.StepFailedException;
import io.crux.it.support.Deployments;

/**
 * The lifecycle events reach CDI observers in the server: qualified by flow name or not, synchronous
 * or asynchronous, once per transition and after it committed; observers that throw change nothing.
 */
@ExtendWith(ArquillianExtension.class)
class LifecycleEventsIT {

    private static final List<String> APPROVED = List.of("RunStarted", "RunSuspended", "RunResumed", "RunCompleted");

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-events", EventFlows.class, OtherFlow.class, EventLog.class, LifecycleObservers.class)
                .addPackages(true, "org.awaitility", "org.hamcrest");
    }

    @Inject
    EventLog log;

    @Inject
    @Flow(value = "it-events", action = "approve")
    FlowHandle<String, String> approve;

    @Inject
    @Flow(value = "it-events", action = "fail")
    FlowHandle<String, String> fail;

    @Inject
    @Flow("it-events-other")
    FlowHandle<String, String> other;

    @Test
    void synchronousObserversHaveEveryTransitionOnceWhenTheCallerHasTheOutcome() {
        FlowResult<String> suspended = approve.run("e1");
        String id = suspended.flowId();
        assertInstanceOf(FlowResult.Suspended.class, suspended);
        assertEquals(List.of("RunStarted", "RunSuspended"), log.kinds("qualified", id));
        assertEquals("go", ((RunSuspended) log.of("qualified", id).get(1)).name());

        FlowResult<String> done = approve.signal(id, "go", "yes");

        // the throwing observers changed nothing
        assertEquals(new FlowResult.Completed<>(id, "e1:yes"), done);
        assertEquals(FlowStatus.COMPLETED, approve.get(id).orElseThrow().status());
        assertEquals(APPROVED, log.kinds("qualified", id));
        assertEquals(APPROVED, log.kinds("unqualified", id));
        assertEquals(List.of("RunCompleted"), log.kinds("completed", id));
        RunCompleted completed = (RunCompleted) log.of("completed", id).get(0);
        assertEquals("e1:yes", completed.output(String.class));
        assertEquals("approve", completed.action());
        assertEquals("it-events", completed.flowName());
        // after the commit: no observer ran inside a transaction
        assertEquals(List.of(), log.kinds("in-transaction", id));
    }

    @Test
    void asynchronousObserversHaveEveryTransitionOnce() {
        String id = approve.run("e2").flowId();
        approve.signal(id, "go", "ok");

        Awaitility.await()
                .pollInSameThread()
                .atMost(60, TimeUnit.SECONDS)
                .until(() -> log.kinds("async", id).size() == APPROVED.size());
        assertEquals(
                APPROVED.stream().sorted().toList(),
                log.kinds("async", id).stream().sorted().toList());
    }

    @Test
    void observersWithoutTheQualifierHaveTheOtherFlowsEventsAndQualifiedOnesDoNot() {
        FlowResult<String> done = other.run("x");
        String id = done.flowId();

        assertEquals(new FlowResult.Completed<>(id, "X"), done);
        assertEquals(List.of("RunStarted", "RunCompleted"), log.kinds("unqualified", id));
        assertEquals(List.of(), log.kinds("qualified", id));
        assertEquals(List.of(), log.kinds("completed", id));
    }

    @Test
    void stepThatFailsForGoodFiresStepFailedThenRunFailed() {
        String id = "e3-" + UUID.randomUUID();

        StepFailedException failed = assertThrows(
                StepFailedException.class,
                () -> fail.run("e3", RunOptions.defaults().withFlowId(id)));

        assertTrue(failed.getMessage().startsWith("CRUX"), failed.getMessage());
        assertEquals(FlowStatus.FAILED, fail.get(id).orElseThrow().status());
        assertEquals(List.of("RunStarted", "StepFailed", "RunFailed"), log.kinds("qualified", id));
        StepFailed step = (StepFailed) log.of("qualified", id).get(1);
        assertEquals("charge", step.label());
        assertEquals(2, step.attempts());
        assertEquals(IllegalStateException.class.getName(), step.errorType());
        RunFailed run = (RunFailed) log.of("qualified", id).get(2);
        assertTrue(run.message().contains("charge"), run.message());
    }

    @Test
    void cancelOfASuspendedRunFiresCancelledOnce() {
        String id = approve.run("e4").flowId();

        approve.cancel(id, "withdrawn");

        assertEquals(List.of("RunStarted", "RunSuspended", "RunCancelled"), log.kinds("qualified", id));
        assertEquals("withdrawn", ((RunCancelled) log.of("qualified", id).get(2)).reason());
        Awaitility.await()
                .pollInSameThread()
                .atMost(60, TimeUnit.SECONDS)
                .until(() -> log.kinds("async", id).size() == 3);
    }
}
