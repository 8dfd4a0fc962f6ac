package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SseClient;
import io.crux.it.support.SseClient.Event;

/**
 * Open streams hold no pooled connection: with a pool of two connections, four streams of running
 * requests stay open, get their heartbeat comments, and every other request is still served; each
 * stream ends with its request's cancellation.
 */
class StreamConnectionsIT {

    private static final String ALICE = "alice:alice-password";
    private static final String FLOWS = ApiWar.FLOWS + "/it-counter";
    private static final int STREAMS = 4;

    @RegisterExtension
    static final RunningServer SERVER = RunningServer.with("cruxStreams", ApiWar.FLOWS, s -> s.deploy(ApiWar.build()))
            .env(Map.of("CRUX_DB_MAX_POOL_SIZE", "2"));

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void moreOpenStreamsThanPooledConnections() throws Exception {
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            // each run fails its step once and waits ten minutes for the retry: RUNNING, and quiet
            requests.add((String) Json.object(
                            server().post(FLOWS + "/actions/stall", "{}", ALICE).body())
                    .get("requestId"));
        }
        CountDownLatch open = new CountDownLatch(STREAMS);
        List<AtomicInteger> heartbeats = new ArrayList<>();
        List<CompletableFuture<List<Event>>> streams = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(STREAMS);
        try {
            for (String request : requests) {
                AtomicInteger comments = new AtomicInteger();
                heartbeats.add(comments);
                streams.add(CompletableFuture.supplyAsync(
                        () -> SseClient.read(
                                server().url(FLOWS + "/requests/" + request + "/stream"),
                                ALICE,
                                null,
                                e -> {
                                    if (e.type().equals("request.in_progress")) {
                                        open.countDown();
                                    }
                                    return e.type().equals("request.cancelled");
                                },
                                comments::incrementAndGet),
                        clients));
            }
            assertThat(open.await(60, TimeUnit.SECONDS))
                    .as("every stream delivered its stored events")
                    .isTrue();
            // the streams now wait for more, polling the log; crux.sse.heartbeat is PT1S in this WAR
            // (a stream's first comment is the one that opens it, the second a heartbeat)
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> heartbeats.stream().allMatch(h -> h.get() >= 2));

            for (String request : requests) {
                assertThat(Json.object(server().get(FLOWS + "/requests/" + request, ALICE)
                                .body()))
                        .containsEntry("status", "RUNNING");
                server().post(FLOWS + "/requests/" + request + "/abort", "", ALICE);
            }
            for (CompletableFuture<List<Event>> stream : streams) {
                List<Event> events = stream.get(60, TimeUnit.SECONDS);
                assertThat(events)
                        .extracting(Event::seq)
                        .containsExactlyElementsOf(
                                LongStream.rangeClosed(1, events.size()).boxed().toList());
                assertThat(events.get(events.size() - 1).type()).isEqualTo("request.cancelled");
            }
        } finally {
            clients.shutdownNow();
        }
    }
}
