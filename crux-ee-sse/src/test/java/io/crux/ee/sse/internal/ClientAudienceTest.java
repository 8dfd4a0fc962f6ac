package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.Item;
import io.crux.ee.api.RunOptions;
import io.crux.ee.engine.ActionModel;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.FlowModel;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.service.FlowService;
import io.crux.ee.testkit.InlineExecutor;

/**
 * What the client gets of a session whose run emitted a client, a model and an internal item: the
 * request's stream and the items endpoint's pages carry the client item only; the devtools' run detail
 * has all three.
 */
class ClientAudienceTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void modelAndInternalItemsAreNeitherStreamedNorListedToTheClientButTheDevtoolsShowThem() throws Exception {
        try (FlowEngine engine = FlowEngine.builder()
                .store(new InMemoryFlowStore())
                .executor(new InlineExecutor())
                .scheduler(scheduler)
                .build()) {
            engine.register(new FlowModel(
                    "desk",
                    true,
                    ClientAudienceTest.class,
                    Map.of("run", new ActionModel("run", String.class, String.class, scope -> {
                        scope.emit(Item.message("user", "visible question"));
                        scope.emit(Item.context("model-only context"));
                        scope.emit(Item.toolCall("c1", "model-only-tool", Map.of()));
                        scope.emit(Item.status("operators-only status").withAudience(Item.Audience.INTERNAL));
                        return "ok";
                    }))));
            FlowService flows = new EngineFlowService(engine);
            engine.<String, String>handle("desk", "run")
                    .run(
                            "x",
                            RunOptions.defaults()
                                    .withFlowId("r1")
                                    .withSessionId("s1")
                                    .withEvents(true));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new RequestStream(flows, "r1", 0, Duration.ofMillis(10), Duration.ofSeconds(15), Duration.ofSeconds(5))
                    .write(out);
            String stream = out.toString(StandardCharsets.UTF_8);
            assertThat(stream).contains("visible question").contains("request.completed");
            assertThat(stream).doesNotContain("model-only").doesNotContain("operators-only");

            ClientItems page = ClientItems.page(flows.sessions(), "s1", null, 50);
            assertThat(page.items()).extracting(i -> i.content().get("text")).containsExactly("visible question");
            assertThat(page.nextBefore()).isNull();
            // a page of two stored items: hidden ones count, so the client pages on past them
            ClientItems newest = ClientItems.page(flows.sessions(), "s1", null, 2);
            assertThat(newest.items()).isEmpty();
            assertThat(ClientItems.page(flows.sessions(), "s1", newest.nextBefore(), 2)
                            .items())
                    .extracting(i -> i.content().get("text"))
                    .containsExactly("visible question");

            String detail = DevtoolsViews.json(
                    DevtoolsViews.detail(flows, flows.run("r1").orElseThrow()));
            assertThat(detail)
                    .contains("visible question")
                    .contains("model-only context")
                    .contains("model-only-tool")
                    .contains("operators-only status");
        }
    }
}
