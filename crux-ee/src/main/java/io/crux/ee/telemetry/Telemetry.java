package io.crux.ee.telemetry;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;

import io.opentelemetry.api.OpenTelemetry;

import io.crux.ee.spi.FlowTracer;

/**
 * Picks the server's OpenTelemetry when MicroProfile Telemetry provides it. crux-ee's CDI wiring
 * calls it when the application starts; applications do not need it. Stateless.
 */
public final class Telemetry {

    private Telemetry() {}

    /**
     * @param bm the bean manager
     * @return a tracer over the {@link OpenTelemetry} bean, or {@link FlowTracer#NOOP}
     */
    public static FlowTracer tracer(BeanManager bm) {
        Instance<OpenTelemetry> otel = bm.createInstance().select(OpenTelemetry.class);
        if (!otel.isResolvable()) {
            return FlowTracer.NOOP;
        }
        return new OpenTelemetryFlowTracer(otel.get().getTracer(OpenTelemetryFlowTracer.SCOPE, "0.1.0"));
    }
}
