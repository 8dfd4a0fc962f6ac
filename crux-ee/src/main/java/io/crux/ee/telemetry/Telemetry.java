package io.crux.ee.telemetry;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;

import io.crux.ee.spi.FlowMetrics;
import io.crux.ee.spi.FlowTracer;

/**
 * Picks the server's OpenTelemetry when MicroProfile Telemetry provides it. crux-ee's CDI wiring
 * calls it when the application starts; applications do not need it. Stateless.
 */
public final class Telemetry {

    private static final String VERSION = "0.1.0";

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
        OpenTelemetry o = otel.get();
        return new OpenTelemetryFlowTracer(o.getTracer(OpenTelemetryFlowTracer.SCOPE, VERSION), meter(o));
    }

    /**
     * @param bm the bean manager
     * @return metrics over the {@link OpenTelemetry} bean's meter, or {@link FlowMetrics#NOOP}
     */
    public static FlowMetrics metrics(BeanManager bm) {
        Instance<OpenTelemetry> otel = bm.createInstance().select(OpenTelemetry.class);
        if (!otel.isResolvable()) {
            return FlowMetrics.NOOP;
        }
        return new OpenTelemetryFlowMetrics(meter(otel.get()));
    }

    private static Meter meter(OpenTelemetry otel) {
        return otel.getMeterProvider()
                .meterBuilder(OpenTelemetryFlowTracer.SCOPE)
                .setInstrumentationVersion(VERSION)
                .build();
    }
}
