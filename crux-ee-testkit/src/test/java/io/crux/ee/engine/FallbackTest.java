package io.crux.ee.engine;

import static io.crux.ee.engine.EngineHarness.ms;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Backoff;
import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowResult;
import io.crux.ee.api.FlowRunInfo;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.StepOptions;

/** The fallback runs once, after the last attempt, and its value becomes the checkpointed output. */
class FallbackTest {

    private final AtomicInteger quoteCalls = new AtomicInteger();
    private final AtomicInteger fallbackCalls = new AtomicInteger();
    private final List<Throwable> fallbackSaw = new ArrayList<>();
    private final List<String> bookedWith = new ArrayList<>();

    private EngineHarness h;

    @BeforeEach
    void setUp() {
        h = EngineHarness.direct();
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    /** quote (always fails, with fallback) -> suspend "confirm" -> book(quote). */
    private FlowHandle<String, String> register(StepOptions<String> retry) {
        StepOptions<String> options = retry.withFallback(failure -> {
            fallbackCalls.incrementAndGet();
            fallbackSaw.add(failure);
            return "cached-quote";
        });
        return h.register(Flows.flow("quotes", String.class, String.class, scope -> {
            String quote = scope.step(
                    "quote",
                    () -> {
                        throw new IllegalStateException("quote service down " + quoteCalls.incrementAndGet());
                    },
                    options);
            String confirmation = scope.suspend("confirm", String.class);
            return scope.step("book", () -> {
                bookedWith.add(quote);
                return quote + "+" + confirmation;
            });
        }));
    }

    @Test
    void fallbackRunsOnceAfterTheLastAttemptWithTheLastFailure() {
        var handle = register(StepOptions.<String>retry(3, ms(100), Backoff.LINEAR));

        String id = handle.start("x");
        assertThat(h.scheduler.runNext()).isTrue();
        assertThat(fallbackCalls).as("not before the attempts are exhausted").hasValue(0);
        assertThat(h.scheduler.runNext()).isTrue();

        assertThat(h.scheduler.delays()).containsExactly(ms(100), ms(200));
        assertThat(quoteCalls).hasValue(3);
        assertThat(fallbackCalls).hasValue(1);
        assertThat(fallbackSaw)
                .singleElement()
                .satisfies(t ->
                        assertThat(t).isInstanceOf(IllegalStateException.class).hasMessage("quote service down 3"));
        assertThat(h.record(id).status()).isEqualTo(FlowStatus.SUSPENDED);

        FlowRunInfo.StepInfo quote = handle.get(id).orElseThrow().steps().get(0);
        assertThat(quote.label()).isEqualTo("quote");
        assertThat(quote.kind()).isEqualTo("step");
        assertThat(quote.fallback()).isTrue();
        assertThat(quote.attempts()).isEqualTo(3);
    }

    @Test
    void fallbackValueIsCheckpointedAndReplayedWhenTheBodyRunsAgain() {
        var handle = register(StepOptions.<String>retry(3, ms(100), Backoff.LINEAR));
        String id = handle.start("x");
        h.scheduler.runAll();

        FlowResult<String> result = handle.signal(id, "confirm", "yes");

        assertThat(result).isEqualTo(new FlowResult.Completed<>(id, "cached-quote+yes"));
        assertThat(bookedWith).containsExactly("cached-quote");
        assertThat(quoteCalls)
                .as("the step does not run again after the fallback")
                .hasValue(3);
        assertThat(fallbackCalls)
                .as("the fallback is not asked again on replay")
                .hasValue(1);
    }

    @Test
    void fallbackWithoutDelayCompletesInline() {
        var handle = register(StepOptions.<String>retry(2, Duration.ZERO, Backoff.LINEAR));

        FlowResult<String> first = handle.run("x");
        assertThat(first).isInstanceOf(FlowResult.Suspended.class);
        FlowResult<String> done = handle.signal(first.flowId(), "confirm", "ok");

        assertThat(done).isEqualTo(new FlowResult.Completed<>(first.flowId(), "cached-quote+ok"));
        assertThat(quoteCalls).hasValue(2);
        assertThat(fallbackCalls).hasValue(1);
        assertThat(h.scheduler.delays()).isEmpty();
    }

    @Test
    void fallbackIsNotCalledWhenARetrySucceeds() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger fallbacks = new AtomicInteger();
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "recovers",
                String.class,
                String.class,
                scope -> scope.step(
                        "s",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                throw new IllegalStateException("once");
                            }
                            return "real";
                        },
                        StepOptions.<String>retry(3, Duration.ZERO, Backoff.LINEAR)
                                .withFallback(t -> {
                                    fallbacks.incrementAndGet();
                                    return "fallback";
                                }))));

        FlowResult<String> result = handle.run("x");

        assertThat(result).isEqualTo(new FlowResult.Completed<>(result.flowId(), "real"));
        assertThat(fallbacks).hasValue(0);
        assertThat(handle.get(result.flowId()).orElseThrow().steps().get(0).fallback())
                .isFalse();
    }
}
