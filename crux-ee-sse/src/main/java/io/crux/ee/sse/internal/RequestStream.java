package io.crux.ee.sse.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.StreamingOutput;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.engine.FlowEngine;
import io.crux.ee.spi.EventRecord;

/**
 * One open event stream of a request: the stored events after the client's last one, then the
 * live tail. Events of a request executing on this server arrive on the engine's bus once they are
 * stored and go out from there; the shared log is read when the stream opens, when the bus skips a
 * number (an event published before this stream subscribed), and every poll interval while the bus
 * is quiet and the request does not execute here (it may execute on another server). While it
 * executes here the bus carries every event, and the log is read only once a heartbeat interval,
 * so that waiting streams cost the database nothing. Every stored event goes out exactly once, in
 * sequence order; {@code content.delta} goes out live only. The stream ends after the request's
 * last terminal event, or when the client goes away.
 *
 * <p>The stream writes the {@code text/event-stream} format itself and flushes once for all the
 * events that are ready (a step's events, a batch read from the log), instead of once per event:
 * on Liberty, {@code SseEventSink.send} costs several times what the bytes of an event cost.
 * Each read of the log is a short transaction of its own, so an open stream holds no pooled
 * connection between reads.
 */
public final class RequestStream implements StreamingOutput {

    private static final Logger LOG = Logger.getLogger(RequestStream.class.getName());
    private static final int BATCH = 500;

    private final FlowEngine engine;
    private final String requestId;
    /** {@code id: <requestId>:}, which every event's id line starts with. */
    private final String idPrefix;
    private final Duration poll;
    private final Duration heartbeat;
    private long last;
    private boolean terminal;
    private Writer out;

    /**
     * @param engine the engine
     * @param requestId the request
     * @param afterSeq the last sequence number the client has
     * @param poll how often to read the shared log when nothing arrives on the bus
     * @param heartbeat how long a stream may stay silent before a comment keeps it open
     */
    public RequestStream(FlowEngine engine, String requestId, long afterSeq, Duration poll, Duration heartbeat) {
        this.engine = engine;
        this.requestId = requestId;
        this.idPrefix = "id: " + requestId.replace('\r', ' ').replace('\n', ' ') + ":"; // a line break would end the field
        this.last = afterSeq;
        this.poll = poll;
        this.heartbeat = heartbeat;
    }

    /** Streams until the request's last event or until the client goes away; a client that left is no error. */
    @Override
    public void write(OutputStream output) {
        out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 16 * 1024);
        BlockingQueue<EventRecord> live = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = engine.events().subscribe(requestId, live::offer)) {
            out.flush(); // the headers go out now, before any event
            long silentSince = System.nanoTime();
            long logReadAt = 0;
            boolean readLog = true;
            while (true) {
                boolean sent = false;
                if (readLog) {
                    sent = catchUp();
                    logReadAt = System.nanoTime();
                    readLog = false;
                    if (terminal && finished()) {
                        break;
                    }
                }
                EventRecord next = live.poll(poll.toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) { // a quiet bus: the request may be executing on another server
                    readLog = !engine.executesHere(requestId) || System.nanoTime() - logReadAt > heartbeat.toNanos();
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
                    out.flush(); // everything that was ready goes out together
                    silentSince = System.nanoTime();
                } else if (System.nanoTime() - silentSince > heartbeat.toNanos()) {
                    out.write(": heartbeat\n\n");
                    out.flush();
                    silentSince = System.nanoTime();
                }
            }
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // mostly a client that went away: the next write fails
            LOG.log(Level.FINE, "stream of request " + requestId + " ended: " + e, e);
        }
    }

    /** Writes the stored events after the last one sent; a full batch is followed by the next at once. */
    private boolean catchUp() throws IOException {
        boolean sent = false;
        List<EventRecord> batch;
        do {
            batch = engine.sessions().readEvents(requestId, last, BATCH);
            for (EventRecord e : batch) {
                send(e);
                sent = true;
            }
        } while (batch.size() == BATCH);
        return sent;
    }

    /** Whether nothing can follow the last terminal event: the run is not executing (a resume would be). */
    private boolean finished() {
        return engine.run(requestId).map(r -> r.status() != FlowStatus.RUNNING).orElse(true)
                && engine.sessions().readEvents(requestId, last, 1).isEmpty();
    }

    /** Writes one event; {@code content.delta} carries the id of the last stored event. */
    private void send(EventRecord e) throws IOException {
        out.write(idPrefix);
        out.write(Long.toString(e.seq()));
        out.write('\n');
        String json = e.json();
        if (json.indexOf('\r') >= 0) {
            json = json.replace("\r\n", "\n").replace('\r', '\n');
        }
        for (int from = 0, to; from <= json.length(); from = to + 1) { // a line break inside the data needs a data line of its own
            to = json.indexOf('\n', from);
            if (to < 0) {
                to = json.length();
            }
            out.write("data: ");
            out.write(json, from, to - from);
            out.write('\n');
        }
        out.write('\n');
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
