package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.EventRecord;

/**
 * A message streamed inside a step: its {@code item.added} is stored and published when it starts,
 * before the step ends, and every {@code content.delta} carries that event's number, so that a
 * stream which has sent the {@code item.added} can send the deltas at once.
 */
class LiveDeltaTest {

    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void theItemAddedOfAStreamedMessageIsStoredAndPublishedBeforeItsDeltas() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow(
                "chat",
                String.class,
                String.class,
                scope -> scope.step("answer", () -> {
                    scope.emit(Item.status("thinking"));
                    try (MessageStream m = scope.message("assistant")) {
                        m.delta("hello");
                        m.delta(" world");
                        return m.done().content().get("text").toString();
                    }
                })));
        List<EventRecord> published = new CopyOnWriteArrayList<>();
        List<List<EventRecord>> storedAtDelta = new CopyOnWriteArrayList<>();
        h.engine.events().subscribe("d-1", e -> {
            published.add(e);
            if (e.type().equals("content.delta")) {
                storedAtDelta.add(h.engine.sessions().readEvents("d-1", 0, 100));
            }
        });

        handle.run(
                "hi",
                RunOptions.defaults().withFlowId("d-1").withSessionId("s-1").withEvents(true));

        List<EventRecord> deltas =
                published.stream().filter(e -> e.type().equals("content.delta")).toList();
        assertThat(deltas).hasSize(2);
        EventRecord added = h.engine.sessions().readEvents("d-1", 0, 100).stream()
                .filter(e -> e.type().equals("item.added"))
                .findFirst()
                .orElseThrow();
        assertThat(deltas)
                .allSatisfy(d ->
                        assertThat(d.seq()).as("the number of the item.added").isEqualTo(added.seq()));
        assertThat(storedAtDelta)
                .allSatisfy(stored -> assertThat(stored)
                        .extracting(EventRecord::type)
                        .as("stored when the delta goes out")
                        .containsExactly("request.created", "request.in_progress", "item.done", "item.added"));
        assertThat(published)
                .extracting(EventRecord::type)
                .containsExactly(
                        "request.created",
                        "request.in_progress",
                        "item.done",
                        "item.added",
                        "content.delta",
                        "content.delta",
                        "item.done",
                        "request.completed");
        assertThat(published.get(6).json()).contains("\"text\":\"hello world\"");
    }
}
