package io.crux.ee.health;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.crux.ee.cdi.CruxRuntime;
import io.crux.ee.engine.FlowEngine;

/**
 * Live unless maintenance stalled for good (the scheduler refused its next pass, or a pass hangs
 * longer than three intervals or the lease): a restart mends that.
 */
@Liveness
@ApplicationScoped
public class CruxLiveness implements HealthCheck {

    @Inject
    CruxRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        try {
            FlowEngine engine = runtime.engine();
            return Verdicts.liveness(engine.nodeId(), engine.flows().size(), engine.maintenance(), Instant.now());
        } catch (RuntimeException e) {
            return Verdicts.failed(e);
        }
    }
}
