package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.testkit.InlineExecutor;

/**
 * Events 9–10 of parallel branches are stored before 5–8: the stream sends 1–4, waits at the gap
 * instead of sending 9, and sends 5–11 in order once 5–8 are stored; a reconnect after 10 gets 11.
 * A gap that never fills is bridged after the configured wait, so the stream still ends.
 */
class StreamGapTest {

    private static final String REQUEST = "g-1";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService clients = Executors.newSingleThreadExecutor();
    private final StreamLog log = new StreamLog(REQUEST);
    private final FlowEngine engine = FlowEngine.builder()
            .store(new InMemoryFlowStore())
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

    private RequestStream stream(long after, Duration gapWait) {
        return new RequestStream(
                new EngineFlowService(engine), REQUEST, after, Duration.ofMillis(10), Duration.ofSeconds(15), gapWait);
    }

    @Test
    void eventsCommittedOutOfOrderGoOutInOrderExactlyOnce() throws Exception {
        log.store("item.done", 1, 2, 3, 4, 9, 10);
        StreamLog.Output out = new StreamLog.Output(REQUEST, 4);
        CompletableFuture<Void> streaming = CompletableFuture.runAsync(
                () -> stream(0, Duration.ofMinutes(1)).write(out), clients);
        assertThat(out.flushed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out.seqs()).as("sent before 5-8 are stored").containsExactly(1L, 2L, 3L, 4L);

        log.store("item.done", 5, 6, 7, 8);
        log.store("request.completed", 11);
        streaming.get(10, TimeUnit.SECONDS);
        StreamLog.Output tail = new StreamLog.Output(REQUEST, 11);
        stream(10, Duration.ofMinutes(1)).write(tail);

        assertThat(out.seqs())
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 11).boxed().toList());
        assertThat(tail.seqs()).containsExactly(11L);
    }

    @Test
    void aGapThatNeverFillsIsBridgedAfterTheWait() throws Exception {
        log.store("item.done", 1, 2, 4);
        log.store("request.completed", 5);
        StreamLog.Output out = new StreamLog.Output(REQUEST, 5);

        CompletableFuture.runAsync(() -> stream(0, Duration.ofMillis(50)).write(out), clients)
                .get(10, TimeUnit.SECONDS);

        assertThat(out.seqs()).containsExactly(1L, 2L, 4L, 5L);
    }
}
