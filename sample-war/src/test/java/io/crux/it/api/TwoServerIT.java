package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;
import io.crux.it.support.CruxHealth;
import io.crux.it.support.Json;
import io.crux.it.support.ServerPair;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * Two servers of the suite's kind on one PostgreSQL: an action posted to the first is streamed, and resumed
 * after a disconnect, from the second; the second takes the signal and finishes the run. Needs the
 * shared database, so it runs in the PostgreSQL pass ({@code -Dcrux.db=postgresql}) and is reported
 * skipped on H2.
 */
class TwoServerIT {

    private static final String ALICE = "alice:alice-password";
    private static ServerPair pair;
    private static AppServer first;
    private static AppServer second;

    @BeforeAll
    static void startServers() {
        pair = ServerPair.start("cruxFirst", Map.of(), "cruxSecond", Map.of(), ApiWar::build, ApiWar.FLOWS);
        first = pair.first();
        second = pair.second();
    }

    @AfterAll
    static void stopServers() {
        if (pair != null) {
            pair.stopQuietly();
        }
    }

    /**
     * Two servers of one id would each take the other's running runs for runs of their own and
     * execute them a second time. WildFly's two start from this suite's working directory, as its
     * start script leaves it, so their default ids must come from their base directories.
     */
    @Test
    void theTwoServersAreTwoNodes() {
        assertThat(CruxHealth.node(first)).isNotEqualTo(CruxHealth.node(second));
    }

    @Test
    void anyServerStreamsAndResumesAnyRequest() {
        String requestId = (String)
                Json.object(first.post(ApiWar.FLOWS + "/it-counter/actions/chat", "{\"before\":10,\"after\":5}", ALICE)
                                .body())
                        .get("requestId");
        String onSecond = second.url(ApiWar.FLOWS + "/it-counter/requests/" + requestId + "/stream");

        List<Event> events = new ArrayList<>(SseClient.read(onSecond, ALICE, null, e -> e.seq() == 6));
        events.addAll(
                SseClient.read(onSecond, ALICE, events.get(events.size() - 1).id(), e -> false));
        assertThat(events.get(events.size() - 1).type()).isEqualTo("request.suspended");

        assertThat(Json.object(
                        second.post(ApiWar.FLOWS + "/runs/" + requestId + "/signals/more", "\"from the second\"", ALICE)
                                .body()))
                .containsEntry("status", "completed");
        events.addAll(SseClient.read(
                second.url(ApiWar.FLOWS + "/it-counter/requests/" + requestId + "/stream"),
                ALICE,
                events.get(events.size() - 1).id(),
                e -> false));

        assertThat(events)
                .extracting(Event::seq)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events.get(events.size() - 1).type()).isEqualTo("request.completed");
        List<Event> onFirst = SseClient.read(
                first.url(ApiWar.FLOWS + "/it-counter/requests/" + requestId + "/stream"), ALICE, null, e -> false);
        assertThat(onFirst)
                .extracting(Event::seq)
                .containsExactlyElementsOf(events.stream().map(Event::seq).toList());
    }
}
