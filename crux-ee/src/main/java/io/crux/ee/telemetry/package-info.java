/**
 * Tracing with OpenTelemetry: {@link io.crux.ee.telemetry.OpenTelemetryFlowTracer} implements
 * {@link io.crux.ee.spi.FlowTracer} with spans for runs, steps, model calls and tool executions.
 * crux-ee switches it on when MicroProfile Telemetry provides an {@code OpenTelemetry} bean.
 */
package io.crux.ee.telemetry;
