package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.testkit.InlineExecutor;

/**
 * Streams that have nothing more to send end at once: a finished request whose client has every
 * event (or claims a number past the end) gets {@code 204}, and a stream that opens after the last
 * event of a finished request ends by itself instead of reading the log forever. (The answers
 * that need a Jakarta REST runtime, 400 for a foreign id, are checked in {@code StreamEndsIT}.)
 */
class StreamEndTest {

    private static final String REQUEST = "e-1";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService clients = Executors.newSingleThreadExecutor();
    private final InMemoryFlowStore runs = new InMemoryFlowStore();
    private final StreamLog log = new StreamLog(REQUEST);
    private final FlowEngine engine = FlowEngine.builder()
            .store(runs)
            .sessions(log.sessions())
            .executor(new InlineExecutor())
            .scheduler(scheduler)
            .build();

    @AfterEach
    void tearDown() {
        engine.close();
        clients.shutdownNow();
        scheduler.shutdownNow();
    }

    private RunRecord run(FlowStatus status) {
        Instant now = Instant.now();
        RunRecord run = new RunRecord(
                REQUEST,
                "chat",
                "run",
                status,
                null,
                null,
                null,
                null,
                true,
                new Payload("java.lang.String", "\"x\""),
                null,
                null,
                null,
                null,
                null,
                now,
                now,
                0);
        runs.createRun(run);
        return run;
    }

    @Test
    void aStreamOfAFinishedRequestAfterItsLastEventEndsAtOnce() throws Exception {
        run(FlowStatus.COMPLETED);
        log.store("item.done", 1, 2);
        log.store("request.completed", 3);
        StreamLog.Output out = new StreamLog.Output(REQUEST, 3);

        CompletableFuture.runAsync(
                        () -> new RequestStream(
                                        new EngineFlowService(engine),
                                        REQUEST,
                                        3,
                                        Duration.ofMillis(10),
                                        Duration.ofMillis(50),
                                        Duration.ofSeconds(5))
                                .write(out),
                        clients)
                .get(10, TimeUnit.SECONDS);

        assertThat(out.seqs()).isEmpty();
    }

    @Test
    void aFinishedRequestWithNothingAfterTheClientsLastEventAnswersNoContent() {
        RunRecord run = run(FlowStatus.COMPLETED);
        log.store("item.done", 1, 2);
        log.store("request.completed", 3);

        assertThat(RequestStream.nothingToSend(new EngineFlowService(engine), run, 3))
                .isTrue();
        assertThat(RequestStream.nothingToSend(new EngineFlowService(engine), run, 7))
                .as("a number past the end")
                .isTrue();
        assertThat(RequestStream.nothingToSend(new EngineFlowService(engine), run, 2))
                .isFalse();
    }
}
