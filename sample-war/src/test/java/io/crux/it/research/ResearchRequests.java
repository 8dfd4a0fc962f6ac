package io.crux.it.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/** Asks the sample's research assistant over the generic HTTP API and reads the request's stream to its end. */
final class ResearchRequests {

    static final String FLOWS = "/crux-sample/api/flows";

    private ResearchRequests() {}

    /**
     * @param server the server running the sample
     * @param question the question
     * @return every event of the request, from {@code request.created} to its end
     */
    static List<Event> ask(AppServer server, String question) {
        return stream(server, accept(server, question));
    }

    /**
     * @param server the server running the sample
     * @param question the question
     * @return the accepted request: its {@code requestId} and {@code sessionId}
     */
    static Map<String, Object> accept(AppServer server, String question) {
        HttpResponse<String> accepted = server.post(FLOWS + "/research/actions/ask", "{\"text\":\"" + question + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return Json.object(accepted.body());
    }

    /**
     * @param server the server running the sample
     * @param accepted an accepted request
     * @return every event of the request, from {@code request.created} to its end
     */
    static List<Event> stream(AppServer server, Map<String, Object> accepted) {
        return SseClient.read(
                server.url(FLOWS + "/research/requests/" + accepted.get("requestId") + "/stream"),
                null,
                null,
                e -> false);
    }

    /** @return the items of the {@code item.done} events of the given type */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> done(List<Event> events, String itemType) {
        return events.stream()
                .filter(e -> e.type().equals("item.done"))
                .map(e -> (Map<String, Object>) e.data().get("item"))
                .filter(item -> itemType.equalsIgnoreCase(String.valueOf(item.get("type"))))
                .toList();
    }

    /**
     * @return the output of a request whose stream ended with {@code request.completed}, read from the
     *     request's status: the event does not repeat the output
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> output(AppServer server, List<Event> events) {
        Event last = events.get(events.size() - 1);
        assertThat(last.type()).as("the stream's last event: " + last.data()).isEqualTo("request.completed");
        assertThat(last.data()).doesNotContainKey("output");
        HttpResponse<String> status =
                server.get(FLOWS + "/research/requests/" + last.data().get("requestId"));
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        return (Map<String, Object>) Json.object(status.body()).get("output");
    }
}
