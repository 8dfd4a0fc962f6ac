package io.crux.ee.sse.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.Test;

import io.crux.ee.engine.EngineFlowService;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.engine.InMemoryFlowStore;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.testkit.InlineExecutor;

/**
 * The stream's wire format: each stored event after the client's last one as {@code id:} and
 * {@code data:} lines, a line break inside the data as another data line, the stream ending after
 * the request's last terminal event; an id cannot break its line.
 */
class RequestStreamTest {

    @Test
    void storedEventsGoOutInTheEventStreamFormatAndTheStreamEndsAfterTheTerminalOne() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (FlowEngine engine = FlowEngine.builder()
                .store(new InMemoryFlowStore())
                .executor(new InlineExecutor())
                .scheduler(scheduler)
                .build()) {
            String request = "r\n1";
            Instant now = Instant.now();
            engine.sessions()
                    .append(
                            List.of(),
                            List.of(
                                    new EventRecord(request, 1, "request.created", "{\"seq\":1}", now),
                                    new EventRecord(
                                            request, 2, "item.done", "{\"seq\":2,\r\n\"text\":\"two\nlines\"}", now),
                                    new EventRecord(request, 3, "request.completed", "{\"seq\":3}", now)));

            ByteArrayOutputStream all = new ByteArrayOutputStream();
            new RequestStream(
                            new EngineFlowService(engine),
                            request,
                            0,
                            Duration.ofMillis(10),
                            Duration.ofSeconds(15),
                            Duration.ofSeconds(5))
                    .write(all);
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            new RequestStream(
                            new EngineFlowService(engine),
                            request,
                            2,
                            Duration.ofMillis(10),
                            Duration.ofSeconds(15),
                            Duration.ofSeconds(5))
                    .write(tail);

            assertThat(all.toString(StandardCharsets.UTF_8))
                    .isEqualTo(""
                            + ": open\n\n" // the comment that sends the headers at once
                            + "id: r 1:1\ndata: {\"seq\":1}\n\n"
                            + "id: r 1:2\ndata: {\"seq\":2,\ndata: \"text\":\"two\ndata: lines\"}\n\n"
                            + "id: r 1:3\ndata: {\"seq\":3}\n\n");
            assertThat(tail.toString(StandardCharsets.UTF_8)).isEqualTo(": open\n\nid: r 1:3\ndata: {\"seq\":3}\n\n");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
