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
import io.crux.ee.catalog.Messages;
import io.crux.ee.service.FlowService;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.RunRecord;

/**
 * One open event stream of a request: the stored events after the client's last one, then the
 * live tail. Events of a request executing on this server arrive on the engine's bus once they are
 * stored and go out from there; the shared log is read when the stream opens, when the bus skips a
 * number (an event published before this stream subscribed), and every poll interval while the bus
 * is quiet and the request does not execute here (it may execute on another server). While it
 * executes here the bus carries every event, and the log is read only once a heartbeat interval,
 * so that waiting streams cost the database next to nothing. The stream ends after the request's
 * last terminal event, when the run has ended and nothing follows what was sent (a quiet stream
 * reads the run's status once a heartbeat interval), or when the client goes away.
 *
 * <p>Every stored event goes out exactly once, in sequence order, and only as an unbroken run of
 * numbers: a stream never sends 9 before 5–8. A run's events commit in number order (the engine
 * gives numbers and commits under one lock), so the log has no hole that fills later; should one
 * appear all the same (events lost by a write that failed), the stream waits for the missing
 * numbers, reading the log again every poll interval, and goes on after {@code gapWait} with
 * {@code CRUX0120W}.
 *
 * <p>{@code content.delta} goes out live only, and only after its item's {@code item.added} (the
 * number it carries): the engine stores an item that starts in progress at once, so its deltas
 * reach the client while the step streams, and {@code item.done} carries the whole text.
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

    private final FlowService flows;
    private final String requestId;
    /** {@code id: <requestId>:}, which every event's id line starts with. */
    private final String idPrefix;

    private final Duration poll;
    private final Duration heartbeat;
    private final Duration gapWait;
    private long last;
    private boolean terminal;
    /** When the log was first seen to miss the number after {@link #last}; 0 while it does not. */
    private long gapSince;

    private Writer out;

    /**
     * @param engine the engine
     * @param requestId the request
     * @param afterSeq the last sequence number the client has
     * @param poll how often to read the shared log when nothing arrives on the bus
     * @param heartbeat how long a stream may stay silent before a comment keeps it open; also how
     *     often the run's status is read while nothing arrives
     * @param gapWait how long to wait for numbers missing from the log before going on without them
     */
    public RequestStream(
            FlowService flows, String requestId, long afterSeq, Duration poll, Duration heartbeat, Duration gapWait) {
        this.flows = flows;
        this.requestId = requestId;
        this.idPrefix =
                "id: " + requestId.replace('\r', ' ').replace('\n', ' ') + ":"; // a line break would end the field
        this.last = afterSeq;
        this.poll = poll;
        this.heartbeat = heartbeat;
        this.gapWait = gapWait;
    }

    /** Streams until the request's last event or until the client goes away; a client that left is no error. */
    @Override
    public void write(OutputStream output) {
        out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 16 * 1024);
        BlockingQueue<EventRecord> live = new LinkedBlockingQueue<>();
        try (AutoCloseable subscription = flows.subscribe(requestId, live::offer)) {
            // The headers go out now, before any event: a comment is written first because a
            // flush with nothing written sends nothing on some implementations (Jersey commits a
            // response at its first byte; see StreamedResponses), and a client that waits for
            // the headers (an EventSource's onopen) would wait for the first event.
            out.write(": open\n\n");
            out.flush();
            long silentSince = System.nanoTime();
            long logReadAt = 0;
            long statusReadAt = System.nanoTime() - heartbeat.toNanos() - 1; // the first quiet poll reads it
            boolean readLog = true;
            int endSeen = 0;
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
                    readLog = gapSince != 0
                            || !flows.executesHere(requestId)
                            || System.nanoTime() - logReadAt > heartbeat.toNanos();
                    if (!sent && System.nanoTime() - statusReadAt > heartbeat.toNanos()) {
                        statusReadAt = System.nanoTime();
                        // ended without a terminal event: seen twice, a heartbeat apart, so that an
                        // event written just after the run's end (a cancel of a suspended run) is not missed
                        if (ended() && endSeen++ > 0) {
                            catchUp();
                            break;
                        }
                    }
                }
                while (next != null) {
                    boolean delta = "content.delta".equals(next.type());
                    if (next.seq() > (delta ? last : last + 1)) {
                        sent |= catchUp(); // stored before this stream subscribed: take them from the log
                    }
                    if (delta ? next.seq() <= last : next.seq() == last + 1) {
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

    /**
     * Writes the stored events after the last one sent, as far as the numbers run unbroken; a full
     * batch is followed by the next at once.
     */
    private boolean catchUp() throws IOException {
        boolean sent = false;
        List<EventRecord> batch;
        do {
            batch = flows.sessions().readEvents(requestId, last, BATCH);
            for (EventRecord e : batch) {
                if (e.seq() <= last) {
                    continue; // one number stored twice (a retried commit): the first went out
                }
                if (e.seq() > last + 1 && !bridge(e.seq())) {
                    return sent; // wait for the missing numbers
                }
                send(e);
                sent = true;
            }
        } while (batch.size() == BATCH);
        gapSince = 0;
        return sent;
    }

    /** Whether to go on past the numbers missing before {@code next}: only once they were missing for {@code gapWait}. */
    private boolean bridge(long next) {
        long now = System.nanoTime();
        if (gapSince == 0) {
            gapSince = now;
        }
        if (now - gapSince < gapWait.toNanos()) {
            return false;
        }
        LOG.warning(Messages.streamGapBridged(requestId, last + 1, next - 1, gapWait));
        gapSince = 0;
        return true;
    }

    /** Whether nothing can follow the last terminal event: the run is not executing (a resume would be). */
    private boolean finished() {
        return flows.run(requestId).map(r -> r.status() != FlowStatus.RUNNING).orElse(true)
                && flows.sessions().readEvents(requestId, last, 1).isEmpty();
    }

    /** Whether the run has ended for good (or is gone), so that no event follows what is stored. */
    private boolean ended() {
        return flows.run(requestId).map(r -> r.status().isFinal()).orElse(true);
    }

    /**
     * Whether a stream resuming after {@code afterSeq} would never send anything: the run has ended
     * and nothing is stored after that number. The run's status is read before the log, and a run's
     * last event commits with its end, so nothing can follow.
     *
     * @param engine the engine
     * @param run the request's run, as just read
     * @param afterSeq the last sequence number the client has
     * @return whether to answer {@code 204 No Content}, which tells an SSE client to stop reconnecting
     * @throws jakarta.ws.rs.WebApplicationException 400 when a request that goes on has no event {@code afterSeq}
     */
    public static boolean nothingToSend(FlowService flows, RunRecord run, long afterSeq) {
        if (run.status().isFinal()) {
            return flows.sessions().readEvents(run.flowId(), afterSeq, 1).isEmpty();
        }
        long lastSeq = afterSeq == 0 ? 0 : flows.sessions().lastSeq(run.flowId());
        if (afterSeq > lastSeq) { // an event is stored before any stream sends it: no client has this one
            throw Problems.problem(400, "Bad Request", Messages.pastLastEvent(run.flowId(), afterSeq, lastSeq));
        }
        return false;
    }

    /** Writes one event; {@code content.delta} carries the number of its item's {@code item.added}. */
    private void send(EventRecord e) throws IOException {
        out.write(idPrefix);
        out.write(Long.toString(e.seq()));
        out.write('\n');
        String json = e.json();
        if (json.indexOf('\r') >= 0) {
            json = json.replace("\r\n", "\n").replace('\r', '\n');
        }
        for (int from = 0, to;
                from <= json.length();
                from = to + 1) { // a line break inside the data needs a data line of its own
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
     * @param lastEventId the {@code Last-Event-ID} header, {@code <requestId>:<seq>} (or a bare
     *     {@code <seq>}), or {@code null}
     * @param startingAfter the {@code starting_after} query parameter, or {@code null}
     * @return the last sequence number the client has, 0 for none
     * @throws jakarta.ws.rs.WebApplicationException 400 when the id is malformed or names another request
     */
    public static long resumeAfter(String requestId, String lastEventId, String startingAfter) {
        if (lastEventId != null && !lastEventId.isBlank()) {
            int colon = lastEventId.lastIndexOf(':');
            String request =
                    colon < 0 ? requestId : lastEventId.substring(0, colon).trim();
            if (!request.equals(requestId)
                    && !request.equals(
                            requestId.replace('\r', ' ').replace('\n', ' ').trim())) {
                throw Problems.problem(400, "Bad Request", Messages.badLastEventId(requestId, lastEventId));
            }
            String seq = colon >= 0 ? lastEventId.substring(colon + 1) : lastEventId;
            try {
                return Math.max(0, Long.parseLong(seq.trim()));
            } catch (NumberFormatException e) {
                throw Problems.problem(
                        400, "Bad Request", "Last-Event-ID must be <requestId>:<seq>, not '" + lastEventId + "'");
            }
        }
        return startingAfter == null || startingAfter.isBlank()
                ? 0
                : Math.max(0, Paging.number("starting_after", startingAfter, "an event's sequence number"));
    }
}
