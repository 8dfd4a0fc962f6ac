package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.FlowStatus;
import io.crux.ee.api.RunOptions;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.EngineSettings;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.langchain4j.spi.ModelRegistry;
import io.crux.ee.testkit.FlowTest;
import io.crux.ee.testkit.TestClock;

/** Cancelling a run while its generator streams cancels the model's stream too: the model stops generating. */
class GeneratorStreamCancelTest {

    /** Streams one token on a thread of its own, then waits, as a slow model would. */
    private static final class SlowModel implements StreamingChatModel {
        final CountDownLatch firstToken = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean cancelled = new AtomicBoolean();
        private final StreamingHandle handle = new StreamingHandle() {
            @Override
            public void cancel() {
                cancelled.set(true);
                release.countDown();
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            Thread stream = new Thread(() -> {
                handler.onPartialResponse(new PartialResponse("Hel"), new PartialResponseContext(handle));
                firstToken.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            stream.setDaemon(true);
            stream.start();
        }
    }

    @Test
    void aCancelledRunCancelsTheModelsStream() throws Exception {
        SlowModel model = new SlowModel();
        Generator<String, String> answer =
                Generator.<String>named("answer").prompt((q, ctx) -> q).streaming();
        ExecutorService executor = Executors.newCachedThreadPool();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        TestClock clock = new TestClock(FlowTest.START);
        InMemoryFlowStore store = new InMemoryFlowStore(clock);
        try (FlowEngine engine = FlowEngine.builder()
                .store(store)
                .executor(executor)
                .scheduler(scheduler)
                .clock(clock)
                .service(ModelRegistry.class, ModelRegistry.of("default", model))
                .settings(EngineSettings.of("node-1"))
                .build()) {
            engine.register(new FlowModel(
                    "chat",
                    true,
                    GeneratorStreamCancelTest.class,
                    Map.of(
                            "run",
                            new ActionModel(
                                    "run", String.class, String.class, scope -> ActionModel.runBlock(scope, answer)))));
            FlowHandle<String, String> handle = engine.handle("chat", "");
            String id = handle.start("hi", RunOptions.defaults().withEvents(true));
            assertThat(model.firstToken.await(10, TimeUnit.SECONDS)).isTrue();

            handle.cancel(id, "no longer needed");

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> model.cancelled.get()
                            && store.findRun(id).orElseThrow().status() == FlowStatus.CANCELLED);
        } finally {
            model.release.countDown();
            executor.shutdownNow();
            scheduler.shutdownNow();
        }
    }
}
