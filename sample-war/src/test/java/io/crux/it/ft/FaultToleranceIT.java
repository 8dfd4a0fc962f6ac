package io.crux.it.ft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.math.BigDecimal;
import java.util.List;

import jakarta.inject.Inject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.ee.api.Flow;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.it.support.Calls;
import io.crux.it.support.Deployments;

/**
 * MicroProfile Fault Tolerance annotations on a bean that steps call are applied by the server's
 * own implementation, with a MicroProfile Config override of a {@code @Retry} value.
 */
@ExtendWith(ArquillianExtension.class)
class FaultToleranceIT {

    @Deployment
    static WebArchive deployment() {
        return Deployments.withConfig(
                Deployments.war("it-ft", OrderFlow.class, InventoryClient.class, Calls.class),
                "io.crux.it.ft.InventoryClient/reserve/Retry/maxRetries=4\n");
    }

    @Inject
    Calls calls;

    @Inject
    @Flow(value = "it-ft", action = "reserve")
    FlowHandle<String, String> reserve;

    @Inject
    @Flow(value = "it-ft", action = "price")
    FlowHandle<String, BigDecimal> price;

    @Inject
    @Flow(value = "it-ft", action = "stuck")
    FlowHandle<String, String> stuck;

    @Inject
    @Flow(value = "it-ft", action = "fragile")
    FlowHandle<String, List<String>> fragile;

    @Test
    void retryUsesTheMaxRetriesFromMicroProfileConfig() {
        FlowResult.Completed<String> done = assertInstanceOf(FlowResult.Completed.class, reserve.run("sku-1"));

        assertEquals("reserved sku-1", done.output());
        assertEquals(
                5, calls.count("reserve"), "one call and four retries: the annotation alone allows only one retry");
        assertEquals(1, reserve.get(done.flowId()).orElseThrow().steps().get(0).attempts(), "the step itself ran once");
    }

    @Test
    void fallbackMethodAnswersForTheFailingCall() {
        FlowResult.Completed<BigDecimal> done = assertInstanceOf(FlowResult.Completed.class, price.run("sku-2"));

        assertEquals(new BigDecimal("9.99"), done.output());
        assertEquals(1, calls.count("price"));
        assertEquals(1, calls.count("listPrice"));
    }

    @Test
    void timeoutInterruptsTheCallAndTheStepFallbackTakesOver() {
        FlowResult.Completed<String> done = assertInstanceOf(FlowResult.Completed.class, stuck.run("x"));

        assertEquals("gave up: org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException", done.output());
        assertEquals(1, calls.count("stuck"));
    }

    @Test
    void circuitBreakerOpensAfterTheFailureThreshold() {
        assumeFalse(
                "payara".equals(System.getProperty("it.server")),
                "Payara Micro 6.2025.10's Fault Tolerance lets the sixth call through a circuit breaker that"
                        + " opened at the fifth (delay 1 h): the bean is called five times (README, Payara)");
        FlowResult.Completed<List<String>> done = assertInstanceOf(FlowResult.Completed.class, fragile.run("x"));

        assertEquals(
                List.of(
                        "IllegalStateException",
                        "IllegalStateException",
                        "IllegalStateException",
                        "IllegalStateException",
                        "CircuitBreakerOpenException",
                        "CircuitBreakerOpenException"),
                done.output());
        assertEquals(4, calls.count("fragile"), "open circuit: the last two calls never reached the bean");
    }
}
