package io.crux.ee.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import io.crux.ee.cdi.CruxRuntime;
import io.crux.ee.engine.FlowEngine;

/** Started once the first maintenance pass finished: this node has looked for orphaned runs and renewed its leases. */
@Startup
@ApplicationScoped
public class CruxStartup implements HealthCheck {

    @Inject
    CruxRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        try {
            FlowEngine engine = runtime.engine();
            return Verdicts.startup(engine.nodeId(), engine.flows().size(), engine.maintenance());
        } catch (RuntimeException e) {
            return Verdicts.failed(e);
        }
    }
}
