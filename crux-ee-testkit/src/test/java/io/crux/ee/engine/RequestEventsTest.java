package io.crux.ee.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowHandle;
import io.crux.ee.api.Item;
import io.crux.ee.api.MessageStream;
import io.crux.ee.api.RunOptions;
import io.crux.ee.spi.EventRecord;

/**
 * A request's events: numbered from 1 without gaps, stored before they are published, deltas
 * live only, items and state changes announced, and nothing emitted twice when the body replays
 * after a suspension.
 */
class RequestEventsTest {

    private EngineHarness h;

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void eventsAreNumberedStoredAndNotRepeatedOnReplay() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow("chat", String.class, String.class, scope -> {
            scope.emit(Item.message("user", scope.input()));
            String answer = scope.step("answer", () -> {
                try (MessageStream m = scope.message("assistant")) {
                    m.delta("hello");
                    m.delta(" world");
                    return m.done().content().get("text").toString();
                }
            });
            scope.session().inc("turns", 1);
            String more = scope.suspend("more", String.class);
            return answer + " " + more;
        }));
        List<EventRecord> published = new CopyOnWriteArrayList<>();
        h.engine.events().subscribe("req-1", published::add);

        handle.run(
                "hi",
                RunOptions.defaults().withFlowId("req-1").withSessionId("s-1").withEvents(true));
        handle.signal("req-1", "more", "again");

        List<EventRecord> stored = h.engine.sessions().readEvents("req-1", 0, 100);
        assertThat(stored)
                .extracting(EventRecord::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, stored.size()).boxed().toList());
        assertThat(stored)
                .extracting(EventRecord::type)
                .containsExactly(
                        "request.created",
                        "request.in_progress",
                        "item.done", // the user's message, emitted complete, outside a step
                        "item.added",
                        "item.done", // the streamed assistant message: started, then done
                        "state.changed",
                        "request.suspended",
                        "request.in_progress",
                        "state.changed", // the replay: inc runs again outside a step, the emit does not
                        "request.completed");
        assertThat(published)
                .filteredOn(e -> e.type().equals("content.delta"))
                .hasSize(2)
                .allSatisfy(d -> assertThat(d.json()).contains("\"itemId\""));
        assertThat(published)
                .filteredOn(e -> !e.type().equals("content.delta"))
                .extracting(EventRecord::seq)
                .containsExactlyElementsOf(stored.stream().map(EventRecord::seq).toList());
        assertThat(h.engine.sessions().listItems("s-1", 10))
                .extracting(r -> r.item().content().get("text"))
                .containsExactly("hi", "hello world");
        assertThat(h.engine.sessions().readState("session", "s-1")).containsEntry("turns", new java.math.BigDecimal(2));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEnvelopeIsOneJsonObjectWithItsFieldsAndTheItemAsStored() {
        h = EngineHarness.direct();
        FlowHandle<String, String> handle = h.register(Flows.flow("quoted", String.class, String.class, scope -> {
            scope.step("say", () -> {
                scope.emit(Item.message("assistant", "a \"quoted\"\nline"));
                scope.session().inc("n", 1);
                return "ok";
            });
            return "ok";
        }));
        String requestId = "req-\"1\"\\";

        handle.run(
                "x",
                RunOptions.defaults().withFlowId(requestId).withSessionId("s-q").withEvents(true));

        List<EventRecord> stored = h.engine.sessions().readEvents(requestId, 0, 100);
        assertThat(stored)
                .extracting(EventRecord::type)
                .containsExactly(
                        "request.created", "request.in_progress", "item.done", "state.changed", "request.completed");
        for (EventRecord e : stored) {
            Map<String, Object> envelope = (Map<String, Object>) h.codec.convert(e.json(), Map.class);
            try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(e.json()))) {
                assertThat(List.copyOf(reader.readObject().keySet()).subList(0, 4))
                        .containsExactly("type", "requestId", "seq", "ts");
            }
            assertThat(envelope)
                    .containsEntry("type", e.type())
                    .containsEntry("requestId", requestId)
                    .containsEntry("seq", new java.math.BigDecimal(e.seq()));
            assertThat(java.time.Instant.parse((String) envelope.get("ts"))).isEqualTo(e.at());
        }
        Map<String, Object> done =
                (Map<String, Object>) h.codec.convert(stored.get(2).json(), Map.class);
        Item sent = (Item) h.codec.convert(done.get("item"), Item.class);
        assertThat(sent)
                .isEqualTo(h.engine.sessions().listItems("s-q", 10).get(0).item());
        assertThat(sent.content()).containsEntry("text", "a \"quoted\"\nline");
        assertThat((Map<String, Object>) h.codec.convert(stored.get(3).json(), Map.class))
                .containsEntry("scope", "session")
                .containsEntry("keys", List.of("n"));
        // the output is stored once, in the run's row; the last event does not repeat it
        assertThat((Map<String, Object>) h.codec.convert(stored.get(4).json(), Map.class))
                .containsEntry("type", "request.completed")
                .doesNotContainKey("output");
        assertThat(h.output(requestId)).isEqualTo("ok");
    }

    @Test
    void stateOperationsAreAtomicAndReportTheKeysTheyChanged() {
        h = EngineHarness.direct();
        FlowHandle<String, Map<String, Object>> handle =
                h.register(Flows.flow("state", String.class, Map.class, scope -> {
                    var s = scope.project();
                    s.set("name", "crux");
                    s.patch(Map.of("a", 1, "b", 2));
                    s.push("log", "first");
                    s.push("log", "second");
                    s.remove("b");
                    long n = s.inc("n", 5);
                    int doubled = s.atomic(doc -> {
                        doc.put("n", ((Number) doc.get("n")).intValue() * 2);
                        return ((Number) doc.get("n")).intValue();
                    });
                    scope.request().set("scratch", n + doubled);
                    return s.snapshot();
                }));

        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Object> snapshot = ((io.crux.ee.api.FlowResult.Completed<Map<String, Object>>)
                        (io.crux.ee.api.FlowResult) handle.run(
                                "x", RunOptions.defaults().withFlowId("st-1").withEvents(true)))
                .output();

        assertThat(snapshot)
                .containsEntry("name", "crux")
                .containsEntry("n", new java.math.BigDecimal(10))
                .containsKey("a")
                .doesNotContainKey("b");
        assertThat(snapshot.get("log")).isEqualTo(List.of("first", "second"));
        assertThat(h.engine.sessions().readEvents("st-1", 0, 100))
                .filteredOn(e -> e.type().equals("state.changed"))
                .extracting(EventRecord::json)
                .anySatisfy(j -> assertThat(j).contains("\"keys\":[\"a\",\"b\"]"))
                .anySatisfy(j -> assertThat(j).contains("\"scope\":\"request\""));
    }
}
