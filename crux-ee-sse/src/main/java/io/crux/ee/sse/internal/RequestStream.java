package io.crux.ee.sse.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.spi.EventRecord;

/**
 * One open event stream of a request: the stored events after the client's last one, then the
 * live tail. Events of a request executing on this server arrive on the engine's bus once they are
 * stored and go out from there; the shared log is read when the stream opens, when the bus skips a
 * number (an event published before this stream subscribed), and every poll interval while the bus
 * is quiet (the request may execute on another server). Every stored event goes out exactly once,
 * in sequence order; {@code content.delta} goes out live only. The stream ends after the request's
 * last terminal event, or when the client goes away.
 *
 * <p>Each read of the log is a short transaction of its own, so an open stream holds no pooled
 * connection between reads.
 */
public final class RequestStream implements Runnable {

    private static final Logger LOG = Logger.getLogger(RequestStream.class.getName());
    private static final int BATCH = 500;

    private final FlowEngine engine;
    private final String requestId;
    private final SseEventSink sink;
    private final Sse sse;
    private final Duration poll;
    private final Duration heartbeat;
    private long last;
    private boolean terminal;

    /**
     * @param engine the engine
     * @param requestId the request
     * @param afterSeq the last sequence number the client has
     * @param sink the client's sink
     * @param sse the event builder factory
     * @param poll how often to read the shared log when nothing arrives on the bus
     * @param heartbeat how long a stream may stay silent before a comment keeps it open
     */
    public RequestStream(FlowEngine engine, String requestId, long afterSeq, SseEventSink sink, Sse sse, Duration poll,
            Duration heartbeat) {
        this.engine = engine;
        this.requestId = requestId;
        this.last = afterSeq;
        this.sink = sink;
        this.sse = sse;
        this.poll = poll;
        this.heartbeat = heartbeat;
    }

    @Override
    public void run() {
        BlockingQueue<EventRecord> live = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = engine.events().subscribe(requestId, live::offer)) {
            long silentSince = System.nanoTime();
            boolean readLog = true;
            while (!sink.isClosed()) {
                boolean sent = false;
                if (readLog) {
                    sent = catchUp();
                    readLog = false;
                    if (terminal && finished()) {
                        break;
                    }
                }
                EventRecord next = live.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    readLog = true; // a quiet bus: the request may be executing on another server
                }
                while (next != null) {
                    boolean delta = "content.delta".equals(next.type());
                    if (next.seq() > (delta ? last : last + 1)) {
                        sent |= catchUp(); // stored before this stream subscribed: take them from the log
                    }
                    if (delta ? next.seq() == last : next.seq() == last + 1) {
                        send(next);
                        sent = true;
                    }
                    next = live.poll();
                }
                readLog |= terminal; // after a terminal event, check that nothing can follow it
                if (sent) {
                    silentSince = System.nanoTime();
                } else if (System.nanoTime() - silentSince > heartbeat.toNanos()) {
                    sink.send(sse.newEventBuilder().comment("heartbeat").build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    silentSince = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.FINE, "stream of request " + requestId + " ended: " + e, e);
        } finally {
            sink.close();
        }
    }

    /** Sends the stored events after the last one sent; a full batch is followed by the next at once. */
    private boolean catchUp() throws Exception {
        boolean sent = false;
        List<EventRecord> batch;
        do {
            batch = engine.sessions().readEvents(requestId, last, BATCH);
            for (EventRecord e : batch) {
                send(e);
                sent = true;
            }
        } while (batch.size() == BATCH && !sink.isClosed());
        return sent;
    }

    /** Whether nothing can follow the last terminal event: the run is not executing (a resume would be). */
    private boolean finished() {
        return engine.run(requestId).map(r -> r.status() != FlowStatus.RUNNING).orElse(true)
                && engine.sessions().readEvents(requestId, last, 1).isEmpty();
    }

    private void send(EventRecord e) throws Exception {
        sink.send(sse.newEventBuilder()
                .id(requestId + ":" + e.seq())
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, e.json())
                .build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (!"content.delta".equals(e.type())) {
            last = e.seq();
            terminal = e.isTerminal();
        }
    }

    /**
     * Reads the position a client resumes from.
     *
     * @param requestId the request
     * @param lastEventId the {@code Last-Event-ID} header, {@code <requestId>:<seq>}, or {@code null}
     * @param startingAfter the {@code starting_after} query parameter, or {@code null}
     * @return the last sequence number the client has, 0 for none
     */
    public static long resumeAfter(String requestId, String lastEventId, Long startingAfter) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            int colon = lastEventId.lastIndexOf(':');
            String seq = colon >= 0 ? lastEventId.substring(colon + 1) : lastEventId;
            try {
                return Math.max(0, Long.parseLong(seq.trim()));
            } catch (NumberFormatException e) {
                throw Problems.problem(400, "Bad Request", "Last-Event-ID must be <requestId>:<seq>, not '" + lastEventId + "'");
            }
        }
        return startingAfter == null ? 0 : Math.max(0, startingAfter);
    }
}
