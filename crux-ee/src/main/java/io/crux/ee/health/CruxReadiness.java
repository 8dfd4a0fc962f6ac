package io.crux.ee.health;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.crux.ee.cdi.CruxRuntime;
import io.crux.ee.engine.FlowEngine;

/**
 * Ready when crux-ee's database answers within {@code crux.health.timeout}, its tables are there
 * (unless {@code crux.health.database=false} or the flow store is not crux-ee's JPA store),
 * and maintenance ran within twice {@code crux.maintenance-interval}.
 */
@Readiness
@ApplicationScoped
public class CruxReadiness implements HealthCheck {

    @Inject
    CruxRuntime runtime;

    private final int timeoutSeconds = (int) Math.max(
            1,
            ConfigProvider.getConfig()
                    .getOptionalValue("crux.health.timeout", String.class)
                    .map(Duration::parse)
                    .orElse(Duration.ofSeconds(2))
                    .toSeconds());

    private final ProbeCache probes = new ProbeCache(Instant::now);

    @Override
    public HealthCheckResponse call() {
        try {
            FlowEngine engine = runtime.engine();
            return Verdicts.readiness(
                    engine.nodeId(),
                    engine.flows().size(),
                    engine.maintenance(),
                    runtime.probesDatabase()
                            ? probes.get(() -> DatabaseProbe.of(runtime.dataSource(), timeoutSeconds))
                            : DatabaseProbe.NOT_PROBED,
                    Instant.now());
        } catch (RuntimeException e) {
            return Verdicts.failed(e);
        }
    }
}
