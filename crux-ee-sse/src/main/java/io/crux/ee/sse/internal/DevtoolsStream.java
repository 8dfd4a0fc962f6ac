package io.crux.ee.sse.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.StreamingOutput;

import io.crux.ee.service.FlowService;
import io.crux.ee.spi.RunRecord;

/**
 * The devtools' live streams ({@code text/event-stream}), written like {@link RequestStream}: a
 * comment first so that the headers go out at once, then {@code data:} lines, a comment heartbeat
 * when nothing was sent for a while. They read the store every poll interval
 * ({@code crux.devtools.poll}) rather than this server's event bus, so that they see runs of every
 * server that shares the database.
 *
 * <ul>
 *   <li>the list: {@code {"type":"run.changed","run":RunSummary}} for every run written since the
 *       last look, until the client goes away;
 *   <li>one run: {@code {"type":"run.detail","run":RunDetail}} at once and whenever it changes;
 *       the stream ends after the run's final status was sent.
 * </ul>
 */
public final class DevtoolsStream implements StreamingOutput {

    private static final Logger LOG = Logger.getLogger(DevtoolsStream.class.getName());

    /** The most runs one look at the list reads. */
    static final int CHANGES_PER_POLL = 500;

    /**
     * How far before the last change seen each look reaches back: a run written at an instant
     * already seen but committed after the look (a slow transaction) is still found. Runs sent
     * already are recognised by their version and not sent twice.
     */
    static final Duration OVERLAP = Duration.ofSeconds(5);

    private final FlowService flows;
    private final String runId;
    private final Duration poll;
    private final Duration heartbeat;
    private final Clock clock;

    private DevtoolsStream(FlowService flows, String runId, Duration poll, Duration heartbeat, Clock clock) {
        this.flows = flows;
        this.runId = runId;
        this.poll = poll;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /** @return the stream of every run's changes */
    public static DevtoolsStream changes(FlowService flows, Duration poll, Duration heartbeat, Clock clock) {
        return new DevtoolsStream(flows, null, poll, heartbeat, clock);
    }

    /** @return the stream of one run's detail */
    public static DevtoolsStream run(FlowService flows, String runId, Duration poll, Duration heartbeat) {
        return new DevtoolsStream(flows, runId, poll, heartbeat, Clock.systemUTC());
    }

    @Override
    public void write(OutputStream output) {
        try {
            Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8));
            out.write(": open\n\n");
            out.flush();
            if (runId == null) {
                changes(out);
            } else {
                detail(out);
            }
            out.flush();
        } catch (IOException | RuntimeException e) { // mostly a client that went away
            LOG.log(Level.FINE, "devtools stream ended: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void changes(Writer out) throws IOException, InterruptedException {
        Instant watermark = clock.instant();
        Map<String, RunRecord> sent = new HashMap<>(); // the runs sent within the overlap
        long silentSince = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            Instant since = watermark.minus(OVERLAP);
            boolean wrote = false;
            while (true) { // a full page (a busy minute) is followed by the next, from its last write
                List<RunRecord> changed = flows.changedSince(since, CHANGES_PER_POLL);
                for (RunRecord r : changed) {
                    RunRecord before = sent.get(r.flowId());
                    if (before != null && before.version() >= r.version()) {
                        continue;
                    }
                    sent.put(r.flowId(), r);
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("type", "run.changed");
                    event.put("run", DevtoolsViews.summary(r));
                    data(out, DevtoolsViews.json(event));
                    wrote = true;
                    if (r.updatedAt() != null && r.updatedAt().isAfter(watermark)) {
                        watermark = r.updatedAt();
                    }
                }
                Instant lastAt = changed.isEmpty()
                        ? null
                        : changed.get(changed.size() - 1).updatedAt();
                if (changed.size() < CHANGES_PER_POLL || lastAt == null || !lastAt.isAfter(since)) {
                    break;
                }
                since = lastAt;
            }
            // what is older than the overlap is never read again
            Instant forget = watermark.minus(OVERLAP);
            sent.values().removeIf(r -> r.updatedAt() == null || r.updatedAt().isBefore(forget));
            silentSince = flushOrBeat(out, wrote, silentSince);
            Thread.sleep(poll.toMillis());
        }
    }

    private void detail(Writer out) throws IOException, InterruptedException {
        String last = null;
        long silentSince = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            Optional<RunRecord> run = flows.run(runId);
            if (run.isEmpty()) {
                return;
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", "run.detail");
            event.put("run", DevtoolsViews.detail(flows, run.get()));
            String json = DevtoolsViews.json(event);
            boolean wrote = !json.equals(last);
            if (wrote) {
                data(out, json);
                last = json;
            }
            silentSince = flushOrBeat(out, wrote, silentSince);
            if (run.get().status().isFinal() && flows.running(runId).isEmpty()) {
                return;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private long flushOrBeat(Writer out, boolean wrote, long silentSince) throws IOException {
        if (wrote) {
            out.flush();
            return System.nanoTime();
        }
        if (System.nanoTime() - silentSince > heartbeat.toNanos()) {
            out.write(": heartbeat\n\n");
            out.flush(); // fails once the client has gone: the stream ends
            return System.nanoTime();
        }
        return silentSince;
    }

    /** One event; JSON-B writes no line breaks, so one data line. */
    private static void data(Writer out, String json) throws IOException {
        out.write("data: ");
        out.write(json.replace("\r", "").replace("\n", "\ndata: "));
        out.write("\n\n");
    }
}
