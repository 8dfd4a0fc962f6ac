package io.crux.ee.bench.http;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.crux.ee.api.Item;
import io.crux.ee.codec.JsonbPayloadCodec;

/**
 * The SSE baseline: {@code GET /api/bench/raw-sse?events=N} writes N {@code item.done} events
 * through {@link SseEventSink} in a loop, then closes. Every event carries the envelope crux-ee
 * sends for an item ({@code {"type":"item.done","requestId","seq","ts","item":{...}}}, encoded by the
 * same JSON-B codec, as text/plain data, id {@code <requestId>:<seq>}), built when it is sent, so
 * that {@code ts} is the emit time. Like crux-ee's streams, the loop runs on the default managed
 * executor, not on the request thread.
 *
 * <ul>
 * <li>{@code mirror=true} sends the whole sequence a crux request sends for N status items
 * ({@code request.created}, {@code request.in_progress}, {@code item.done} per item (an item emitted
 * complete has no {@code item.added}), {@code request.completed}): the same events and bytes on the
 * wire, none of the durability.
 * <li>{@code await=each} (default) waits for each send to complete before the next, as crux-ee's
 * RequestStream does; {@code await=end} sends without waiting and waits for all at the end.
 * </ul>
 */
@ApplicationScoped
@Path("bench")
public class RawSseResource {

    private static final Logger LOG = Logger.getLogger(RawSseResource.class.getName());

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ManagedExecutorService executor;

    private final JsonbPayloadCodec codec = new JsonbPayloadCodec();

    @GET
    @Path("raw-sse")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void raw(
            @QueryParam("events") @DefaultValue("1000") int events,
            @QueryParam("mirror") @DefaultValue("false") boolean mirror,
            @QueryParam("await") @DefaultValue("each") String await,
            @Context SseEventSink sink,
            @Context Sse sse) {
        boolean each = !"end".equals(await);
        executor.execute(() -> loop(events, mirror, each, sink, sse));
    }

    /**
     * The same {@code item.done} envelopes written as {@code text/event-stream} to a
     * {@link StreamingOutput}, flushed every {@code flushEvery} events, the way crux-ee's request
     * stream writes a step's events: crux-ee's transport without its durability. Like the loop
     * above, it runs on the default managed executor.
     */
    @GET
    @Path("raw-stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void rawStream(
            @QueryParam("events") @DefaultValue("1000") int events,
            @QueryParam("flushEvery") @DefaultValue("50") int flushEvery,
            @Suspended AsyncResponse response) {
        executor.execute(() -> response.resume(Response.ok((StreamingOutput) out -> {
                    String requestId = UUID.randomUUID().toString();
                    Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 16 * 1024);
                    for (int i = 0; i < events; i++) {
                        String json = codec.encode(BenchPayloads.envelope(
                                        "item.done", requestId, i + 1, Map.of("item", BenchPayloads.item(i))))
                                .json();
                        w.write("id: " + requestId + ":" + (i + 1) + "\ndata: " + json + "\n\n");
                        if ((i + 1) % Math.max(1, flushEvery) == 0) {
                            w.flush();
                        }
                    }
                    w.flush();
                })
                .type(MediaType.SERVER_SENT_EVENTS_TYPE)
                .build()));
    }

    private void loop(int events, boolean mirror, boolean each, SseEventSink sink, Sse sse) {
        String requestId = UUID.randomUUID().toString();
        List<CompletableFuture<?>> sent = each ? null : new ArrayList<>(mirror ? 2 * events + 3 : events);
        long seq = 0;
        try (sink) {
            if (mirror) {
                send(
                        sink,
                        sse,
                        requestId,
                        ++seq,
                        "request.created",
                        Map.of("flowName", "bench-sse", "action", "burst", "sessionId", requestId),
                        sent);
                send(sink, sse, requestId, ++seq, "request.in_progress", Map.of(), sent);
            }
            for (int i = 0; i < events; i++) {
                Item item = BenchPayloads.item(i);
                send(sink, sse, requestId, ++seq, "item.done", Map.of("item", item), sent);
            }
            if (mirror) {
                send(sink, sse, requestId, ++seq, "request.completed", Map.of("output", events), sent);
            }
            if (sent != null) {
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.FINE, "raw stream ended: " + e, e);
        }
    }

    private void send(
            SseEventSink sink,
            Sse sse,
            String requestId,
            long seq,
            String type,
            Map<String, ?> fields,
            List<CompletableFuture<?>> sent)
            throws Exception {
        String json = codec.encode(BenchPayloads.envelope(type, requestId, seq, fields))
                .json();
        OutboundSseEvent event = sse.newEventBuilder()
                .id(requestId + ":" + seq)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, json)
                .build();
        CompletableFuture<?> f = sink.send(event).toCompletableFuture();
        if (sent == null) {
            f.get(30, TimeUnit.SECONDS);
        } else {
            sent.add(f);
        }
    }
}
