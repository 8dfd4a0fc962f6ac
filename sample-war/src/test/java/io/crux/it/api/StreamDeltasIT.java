package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * A message streamed inside a step reaches a real SSE client as it streams: after its
 * {@code item.added}, every {@code content.delta}, then {@code item.done} with the whole text.
 */
@SharedServer(ApiWar.SHARED)
class StreamDeltasIT {

    private static final String ALICE = "alice:alice-password";
    private static final String FLOWS = ApiWar.FLOWS + "/it-counter";
    private static final int WORDS = 20;

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    @SuppressWarnings("unchecked")
    void deltasOfAStepReachTheClientBeforeItsItemDone() {
        String request = (String)
                Json.object(server().post(FLOWS + "/actions/type", "{\"before\":" + WORDS + ",\"after\":0}", ALICE)
                                .body())
                        .get("requestId");
        String stream = server().url(FLOWS + "/requests/" + request + "/stream");
        List<Event> before = SseClient.read(stream, ALICE, null, e -> false);
        assertThat(before.get(before.size() - 1).type()).isEqualTo("request.suspended");

        // the stream is open (and subscribed) before the signal lets the step stream
        List<Event> events = SseClient.read(
                stream,
                ALICE,
                before.get(before.size() - 1).id(),
                e -> false,
                () -> {},
                () -> assertThat(server().post(ApiWar.FLOWS + "/runs/" + request + "/signals/go", "\"w\"", ALICE)
                                .statusCode())
                        .isLessThan(300));

        List<String> types = events.stream().map(Event::type).toList();
        int added = types.indexOf("item.added");
        int done = types.lastIndexOf("item.done");
        assertThat(added).isNotNegative();
        assertThat(types.subList(added + 1, done)).hasSize(WORDS).containsOnly("content.delta");
        Event addedEvent = events.get(added);
        String itemId = (String) ((Map<String, Object>) addedEvent.data().get("item")).get("id");
        List<Event> deltas = events.subList(added + 1, done);
        assertThat(deltas).allSatisfy(d -> {
            assertThat(d.data()).containsEntry("itemId", itemId);
            assertThat(d.seq()).isEqualTo(addedEvent.seq());
        });
        String streamed =
                deltas.stream().map(d -> (String) d.data().get("delta")).collect(Collectors.joining());
        Map<String, Object> item = (Map<String, Object>) events.get(done).data().get("item");
        assertThat(((Map<String, Object>) item.get("content")).get("text")).isEqualTo(streamed);
        assertThat(streamed).startsWith("w1 w2 ").endsWith("w" + WORDS + " ");
        assertThat(types.get(types.size() - 1)).isEqualTo("request.completed");
    }
}
