package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.RunOptions;

/**
 * After a resume, steps that returned collections of records replay collections of those records,
 * as the store gives them back, not JSON objects (and not a failure to read {@code List.of}).
 */
class ReplayedValuesTest {

    public record Plan(String topic, int minutes) {}

    @Test
    void collectionsOfRecordsReplayAsThemselvesAfterAResume() throws Exception {
        AtomicInteger planned = new AtomicInteger();
        try (EngineHarness h = EngineHarness.direct()) {
            FlowHandle<String, String> handle = h.register(Flows.flow("plans", String.class, String.class, scope -> {
                List<Plan> plans = scope.step("plan", () -> {
                    planned.incrementAndGet();
                    return List.of(new Plan("retry", 5), new Plan("suspend", 10));
                });
                Map<String, Set<Plan>> byTopic = scope.step("index", () -> Map.of("retry", Set.of(plans.get(0))));
                String go = scope.suspend("go", String.class, Duration.ofHours(1));
                return go + ": " + plans.get(1).topic() + " "
                        + plans.stream().mapToInt(Plan::minutes).sum() + " "
                        + byTopic.get("retry").iterator().next().minutes();
            }));

            handle.run("x", RunOptions.defaults().withFlowId("p-1"));
            FlowResult<String> result = handle.signal("p-1", "go", "now");

            assertThat(result).isEqualTo(new FlowResult.Completed<>("p-1", "now: suspend 15 5"));
            assertThat(planned).hasValue(1);
        }
    }
}
