package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * Streams end when nothing newer will come: reconnecting to a finished request after its last event
 * (as a browser's EventSource does by itself) or past its end answers 204, which stops the client;
 * an id of another request, or a number past the end of a request that goes on, answers 400; and
 * with many streams waiting, a flow still runs.
 */
@SharedServer(ApiWar.SHARED)
class StreamEndsIT {

    private static final String ALICE = "alice:alice-password";
    private static final String FLOWS = ApiWar.FLOWS + "/it-counter";
    private static final int WAITING_STREAMS = 12;

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    private static String start(String action, String body) {
        return (String) Json.object(
                        server().post(FLOWS + "/actions/" + action, body, ALICE).body())
                .get("requestId");
    }

    private static String stream(String request) {
        return server().url(FLOWS + "/requests/" + request + "/stream");
    }

    @Test
    void aFinishedRequestAnswersNoContentAndForeignOrFutureIdsAreRejected() {
        String done = start("inc", "{}");
        List<Event> all = SseClient.read(stream(done), ALICE, null, e -> false);
        Event last = all.get(all.size() - 1);
        assertThat(last.type()).isEqualTo("request.completed");

        assertThat(SseClient.answer(stream(done), ALICE, last.id()).statusCode())
                .as("after the last event")
                .isEqualTo(204);
        assertThat(SseClient.answer(stream(done), ALICE, done + ":" + (last.seq() + 100))
                        .statusCode())
                .as("past the end")
                .isEqualTo(204);
        HttpResponse<String> foreign = SseClient.answer(stream(done), ALICE, "another-request:" + last.seq());
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(foreign.body()).contains("CRUX0121E");
        assertThat(SseClient.read(stream(done), ALICE, done + ":" + (last.seq() - 1), e -> false))
                .extracting(Event::seq)
                .as("the rest of a finished request")
                .containsExactly(last.seq());

        String waiting = start("wait", "{\"expiryMillis\":600000}");
        List<Event> suspended = SseClient.read(stream(waiting), ALICE, null, e -> false);
        assertThat(suspended.get(suspended.size() - 1).type()).isEqualTo("request.suspended");
        HttpResponse<String> future = SseClient.answer(stream(waiting), ALICE, waiting + ":" + (suspended.size() + 5));
        assertThat(future.statusCode())
                .as("past the end of a request that goes on")
                .isEqualTo(400);
        assertThat(future.body()).contains("CRUX0122E");
    }

    @Test
    void aFlowRunsWhileManyStreamsWait() throws Exception {
        List<String> waiting = new ArrayList<>();
        List<String> lastIds = new ArrayList<>();
        for (int i = 0; i < WAITING_STREAMS; i++) {
            String request = start("wait", "{\"expiryMillis\":600000}");
            List<Event> events = SseClient.read(stream(request), ALICE, null, e -> false);
            waiting.add(request);
            lastIds.add(events.get(events.size() - 1).id());
        }
        CountDownLatch open = new CountDownLatch(WAITING_STREAMS);
        ExecutorService clients = Executors.newFixedThreadPool(WAITING_STREAMS);
        List<CompletableFuture<List<Event>>> streams = new ArrayList<>();
        try {
            for (int i = 0; i < WAITING_STREAMS; i++) {
                String request = waiting.get(i);
                String lastId = lastIds.get(i);
                // a stream of a suspended request whose client has everything stays open for the resume
                streams.add(CompletableFuture.supplyAsync(
                        () -> SseClient.read(
                                stream(request),
                                ALICE,
                                lastId,
                                e -> e.type().equals("request.cancelled"),
                                () -> {},
                                open::countDown),
                        clients));
            }
            assertThat(open.await(60, TimeUnit.SECONDS)).isTrue();

            long started = System.nanoTime();
            String counted = start("inc", "{}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "COMPLETED"
                            .equals(Json.object(server().get(FLOWS + "/requests/" + counted, ALICE)
                                            .body())
                                    .get("status")));
            System.out.printf(
                    "a flow completed in %d ms with %d streams waiting%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), WAITING_STREAMS);

            for (String request : waiting) {
                server().post(FLOWS + "/requests/" + request + "/abort", "", ALICE);
            }
            for (CompletableFuture<List<Event>> s : streams) {
                assertThat(s.get(60, TimeUnit.SECONDS)).extracting(Event::type).containsExactly("request.cancelled");
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
