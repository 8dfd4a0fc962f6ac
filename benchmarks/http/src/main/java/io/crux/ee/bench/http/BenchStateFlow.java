package io.crux.ee.bench.http;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.crux.ee.api.Action;
import io.crux.ee.api.FlowDefinition;
import io.crux.ee.api.FlowScope;

/**
 * The hot-key benchmark's flow: {@code inc} adds 1 to the session's {@code n}, outside any step, so
 * that each run makes exactly one state update (plus the run's own rows). Used by the {@code flow}
 * variant of {@code /api/bench/hotkey}; the main comparison calls the store directly.
 */
@ApplicationScoped
@FlowDefinition("bench-state")
public class BenchStateFlow {

    @Action("inc")
    public long inc(FlowScope<Map<String, Object>> flow) {
        return flow.session().inc("n", 1);
    }
}
