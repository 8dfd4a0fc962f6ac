package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.crux.it.support.AppServer;
import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;
import io.crux.it.support.SharedServer;

/** Many concurrent requests increment one session counter: no update is lost, and each saw its own value. */
@SharedServer(ApiWar.SHARED)
class StateConcurrencyIT {

    private static final String ALICE = "alice:alice-password";
    private static final String FLOWS = ApiWar.FLOWS + "/it-counter";
    private static final int REQUESTS = 64;
    private static final int CLIENTS = 16;

    @RegisterExtension
    static final RunningServer SERVER = ApiWar.sharedServer();

    private static AppServer server() {
        return SERVER.get();
    }

    @Test
    void concurrentIncrementsOfOneKeyAreAllKept() throws Exception {
        String session = (String)
                Json.object(server().post(FLOWS + "/sessions", "", ALICE).body())
                        .get("id");
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<CompletableFuture<String>> posted = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        try {
            for (int i = 0; i < REQUESTS; i++) {
                posted.add(CompletableFuture.supplyAsync(
                        () -> (String)
                                Json.object(server().post(FLOWS + "/sessions/" + session + "/actions/inc", "{}", ALICE)
                                                .body())
                                        .get("requestId"),
                        clients));
            }
            for (CompletableFuture<String> f : posted) {
                requests.add(f.get());
            }
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> requests.stream()
                            .allMatch(r -> "COMPLETED"
                                    .equals(Json.object(server().get(FLOWS + "/requests/" + r, ALICE)
                                                    .body())
                                            .get("status"))));
        } finally {
            clients.shutdownNow();
        }

        assertThat(Json.object(server().get(FLOWS + "/sessions/" + session + "/state", ALICE)
                        .body()))
                .containsEntry("counter", BigDecimal.valueOf(REQUESTS));
        List<Long> seen = new ArrayList<>();
        for (String r : requests) { // each increment saw its own value: no two saw the same document
            seen.add(((Number) Json.object(server().get(FLOWS + "/requests/" + r, ALICE)
                                    .body())
                            .get("output"))
                    .longValue());
        }
        assertThat(seen)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.rangeClosed(1, REQUESTS).boxed().toList());
    }
}
