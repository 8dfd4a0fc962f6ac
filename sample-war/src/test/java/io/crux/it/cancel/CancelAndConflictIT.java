package io.crux.it.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
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
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.exception.FlowConflictException;
import io.crux.ee.api.exception.FlowStateException;
import io.crux.it.support.Calls;
import io.crux.it.support.Deployments;

/** Cancel of a suspended run and of a running step, signals to finished runs, and two racing resumes, in Liberty. */
@ExtendWith(ArquillianExtension.class)
class CancelAndConflictIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.war("it-cancel", ApprovalFlow.class, Gates.class, Calls.class)
                .addPackages(true, "org.awaitility", "org.hamcrest");
    }

    @Inject
    Calls calls;

    /** Handles use the container's transactions and persistence, so call them from managed threads only. */
    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    @Inject
    Gates gates;

    @Inject
    @Flow(value = "it-cancel", action = "approve")
    FlowHandle<String, String> approve;

    @Inject
    @Flow(value = "it-cancel", action = "block")
    FlowHandle<String, String> block;

    @Inject
    @Flow(value = "it-cancel", action = "hold")
    FlowHandle<String, String> hold;

    @Test
    void cancelEndsASuspendedRunAtOnce() {
        FlowResult<String> suspended = approve.run("c1");
        assertInstanceOf(FlowResult.Suspended.class, suspended);

        approve.cancel(suspended.flowId(), "no longer needed");

        FlowRunInfo run = approve.get(suspended.flowId()).orElseThrow();
        assertEquals(FlowStatus.CANCELLED, run.status());
        assertEquals("no longer needed", run.error());
        FlowStateException late =
                assertThrows(FlowStateException.class, () -> approve.signal(suspended.flowId(), "go", "yes"));
        assertEquals(FlowStatus.CANCELLED, late.status());
        assertEquals(0, calls.count("after:c1"));
    }

    @Test
    void cancelInterruptsARunningStepAndNoFurtherStepStarts() throws Exception {
        String id = block.start("c2");
        assertTrue(gates.get("entered:c2").await(60, TimeUnit.SECONDS), "the step started");

        block.cancel(id, "stop");

        assertTrue(gates.get("interrupted:c2").await(60, TimeUnit.SECONDS), "the step thread was interrupted");
        Awaitility.await()
                .pollInSameThread()
                .atMost(60, TimeUnit.SECONDS)
                .until(() -> block.get(id).orElseThrow().status() == FlowStatus.CANCELLED);
        assertEquals(0, calls.count("next:c2"));
    }

    @Test
    void signalToAFinishedRunIsRejectedWithAClearMessage() {
        FlowResult<String> suspended = approve.run("c3");
        FlowResult.Completed<String> done =
                assertInstanceOf(FlowResult.Completed.class, approve.signal(suspended.flowId(), "go", "yes"));
        assertEquals("yes", done.output());

        FlowStateException again =
                assertThrows(FlowStateException.class, () -> approve.signal(suspended.flowId(), "go", "yes"));

        assertEquals(FlowStatus.COMPLETED, again.status());
        assertTrue(again.getMessage().startsWith("CRUX0021E"), again.getMessage());
        assertEquals(1, calls.count("before:c3"));
        assertEquals(1, calls.count("after:c3"));
    }

    @Test
    void secondConcurrentResumeGetsAConflictNotASecondExecution() throws Exception {
        String id = hold.run("c4").flowId();
        CompletableFuture<FlowResult<String>> first =
                CompletableFuture.supplyAsync(() -> hold.signal(id, "go", "first"), executor);
        assertTrue(gates.get("holding:c4").await(60, TimeUnit.SECONDS), "the first resume is executing");

        assertThrows(FlowConflictException.class, () -> hold.signal(id, "go", "second"));
        assertThrows(FlowConflictException.class, () -> hold.resume(id));

        gates.get("release:c4").countDown();
        FlowResult.Completed<String> done =
                assertInstanceOf(FlowResult.Completed.class, first.get(60, TimeUnit.SECONDS));
        assertEquals("first", done.output());
        assertEquals(1, calls.count("held:c4"));
    }
}
