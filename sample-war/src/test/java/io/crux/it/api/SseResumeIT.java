package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * A real SSE client disconnects mid-stream and reconnects with Last-Event-ID: every event arrives
 * once, in order, with no gap; a suspended request ends its stream, and after the signal a new
 * stream continues the same request's sequence.
 */
@SharedServer(ApiWar.SHARED)
class SseResumeIT {

    private static final String ALICE = "alice:alice-password";

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void reconnectingWithLastEventIdMissesNothingAndRepeatsNothing() {
        Map<String, Object> accepted = Json.object(
                server().post(ApiWar.FLOWS + "/it-counter/actions/chat", "{\"before\":12,\"after\":8}", ALICE)
                        .body());
        String requestId = (String) accepted.get("requestId");
        assertThat(accepted).containsKeys("sessionId", "runId");
        String stream = server().url(ApiWar.FLOWS + "/it-counter/requests/" + requestId + "/stream");

        List<Event> first = SseClient.read(stream, ALICE, null, e -> e.seq() == 7);
        List<Event> second =
                SseClient.read(stream, ALICE, first.get(first.size() - 1).id(), e -> false);

        assertThat(second.get(second.size() - 1).type())
                .as("a suspended request ends its stream")
                .isEqualTo("request.suspended");
        List<Event> all = new ArrayList<>(first);
        all.addAll(second);
        assertContiguousFrom1(all, requestId);
        assertThat(all).filteredOn(e -> e.type().equals("item.done")).hasSize(12);

        String signal = server().post("/it-api/api/flows/runs/" + requestId + "/signals/more", "\"go on\"", ALICE)
                .body();
        assertThat(Json.object(signal)).containsEntry("status", "completed");

        List<Event> third =
                SseClient.read(stream, ALICE, all.get(all.size() - 1).id(), e -> false);
        all.addAll(third);
        assertContiguousFrom1(all, requestId);
        assertThat(third.get(0).type()).isEqualTo("request.in_progress");
        assertThat(third).filteredOn(e -> e.type().equals("item.done")).hasSize(8);
        assertThat(third.get(third.size() - 1).type()).isEqualTo("request.completed");
        // request.completed does not repeat the output: the request's status carries it
        assertThat(Json.object(server().get(ApiWar.FLOWS + "/it-counter/requests/" + requestId, ALICE)
                        .body()))
                .containsEntry("output", "go on");

        List<Event> replay = SseClient.read(stream, ALICE, null, e -> false);
        assertThat(replay)
                .extracting(Event::seq)
                .containsExactlyElementsOf(all.stream().map(Event::seq).toList());
        List<Event> tail = SseClient.read(
                server().url(ApiWar.FLOWS + "/it-counter/requests/" + requestId + "/stream?starting_after="
                        + (all.size() - 2)),
                ALICE,
                null,
                e -> false);
        assertThat(tail).extracting(Event::seq).containsExactly((long) all.size() - 1, (long) all.size());
    }

    private static void assertContiguousFrom1(List<Event> events, String requestId) {
        assertThat(events)
                .extracting(Event::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).allSatisfy(e -> assertThat(e.id()).isEqualTo(requestId + ":" + e.seq()));
        assertThat(events.get(0).type()).isEqualTo("request.created");
    }
}
