package io.crux.ee.sse.internal;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import io.crux.ee.api.FlowStatus;
import io.crux.ee.service.FlowService;
import io.crux.ee.service.RunningAttempt;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.CheckpointRecord;
import io.crux.ee.spi.EventRecord;
import io.crux.ee.spi.ItemRecord;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.RunQuery;
import io.crux.ee.spi.RunRecord;
import io.crux.ee.spi.StepFailure;
import io.crux.ee.spi.SuspensionRecord;

/**
 * The JSON views of the devtools API (docs: /work/tools/devtools-contract.md and README's
 * "Devtools"): maps that JSON-B writes as they are, times as ISO-8601 strings.
 */
public final class DevtoolsViews {

    /** The most events a run's detail carries. */
    static final int EVENT_LIMIT = 500;

    /** The most items a run's detail carries. */
    static final int ITEM_LIMIT = 500;

    /** Thread-safe, and expensive to build: one for the application. */
    private static final Jsonb JSONB = JsonbBuilder.create();

    private DevtoolsViews() {}

    /** @return the JSON text of a view, for a stream */
    public static String json(Object view) {
        return JSONB.toJson(view);
    }

    /** @return a run's summary */
    public static Map<String, Object> summary(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.flowId());
        m.put("flow", r.flowName());
        m.put("action", r.action());
        m.put("status", r.status().name());
        m.put("parentId", r.parentFlowId());
        m.put("sessionId", r.sessionId());
        m.put("userId", r.userId());
        m.put("createdAt", text(r.createdAt()));
        m.put("updatedAt", text(r.updatedAt()));
        m.put("error", r.error());
        return m;
    }

    /**
     * @param flows the engine
     * @param r the run as stored, with its input and output
     * @return the run's detail: summary, steps, attempts, suspension, children, items, events, state
     */
    public static Map<String, Object> detail(FlowService flows, RunRecord r) {
        Map<String, Object> m = summary(r);
        m.put("input", parsed(r.input()));
        m.put("output", parsed(r.output()));
        List<CheckpointRecord> checkpoints = flows.checkpoints(r.flowId());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (CheckpointRecord c : checkpoints) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("position", c.position());
            s.put("label", c.label());
            s.put("kind", c.kind().name());
            s.put("startedAt", text(c.startedAt()));
            s.put("completedAt", text(c.completedAt()));
            s.put("attempts", c.attempts());
            s.put("fallback", c.fallback());
            s.put("failures", failures(c.failures()));
            s.put("omitted", AttemptFailure.omitted(c.failures()));
            steps.add(s);
        }
        m.put("steps", steps);
        List<Map<String, Object>> running = new ArrayList<>();
        for (RunningAttempt a : flows.running(r.flowId())) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("label", a.label());
            x.put("attempt", a.attempt());
            x.put("startedAt", text(a.startedAt()));
            running.add(x);
        }
        m.put("running", running);
        m.put(
                "failure",
                failure(
                        r.status() == FlowStatus.FAILED
                                ? flows.failure(r.flowId()).orElse(null)
                                : null));
        m.put("suspension", suspension(flows, r));
        List<Map<String, Object>> children = new ArrayList<>();
        for (RunRecord child : flows.children(r.flowId())) {
            Map<String, Object> x = summary(child);
            x.put("parentStep", parentStep(checkpoints, child.createdAt()));
            children.add(x);
        }
        m.put("children", children);
        m.put("items", items(flows, r));
        List<Object> events = new ArrayList<>();
        if (r.events()) {
            for (EventRecord e : flows.sessions().readEvents(r.flowId(), 0, EVENT_LIMIT)) {
                events.add(parsed(e.json()));
            }
        }
        m.put("events", events);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("session", r.sessionId() == null ? null : flows.sessions().readState("session", r.sessionId()));
        state.put("user", r.userId() == null ? null : flows.sessions().readState("user", r.userId()));
        m.put("state", state);
        return m;
    }

    private static List<Object> items(FlowService flows, RunRecord r) {
        List<Object> items = new ArrayList<>();
        if (r.sessionId() == null) {
            return items;
        }
        for (ItemRecord i : flows.sessions().listItems(r.sessionId(), ITEM_LIMIT)) {
            if (r.flowId().equals(i.requestId())) {
                items.add(i.json() != null ? parsed(i.json()) : i.item());
            }
        }
        return items;
    }

    /**
     * The step that started a child run: the store does not record it, so it is the step whose
     * attempts' time span holds the child's creation (the latest such step); {@code null} when none does.
     */
    static String parentStep(List<CheckpointRecord> steps, Instant childCreated) {
        String found = null;
        for (CheckpointRecord c : steps) {
            Instant start = c.startedAt() != null ? c.startedAt() : c.completedAt();
            if (!childCreated.isBefore(start) && !childCreated.isAfter(c.completedAt())) {
                found = c.label();
            }
        }
        return found;
    }

    private static Map<String, Object> suspension(FlowService flows, RunRecord r) {
        SuspensionRecord s = r.suspension();
        if (s == null || r.status() != FlowStatus.SUSPENDED) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("payloadType", s.payloadType());
        m.put("schema", flows.payloadSchema(r.flowName(), s.payloadType()).orElse(null));
        m.put("suspendedAt", text(s.suspendedAt()));
        m.put("expiresAt", text(s.expiresAt()));
        m.put("state", "OPEN");
        return m;
    }

    private static Map<String, Object> failure(StepFailure f) {
        if (f == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", f.label());
        m.put("attempts", f.attempts());
        m.put("failures", failures(f.failures()));
        m.put("omitted", AttemptFailure.omitted(f.failures()));
        return m;
    }

    private static List<Map<String, Object>> failures(List<AttemptFailure> list) {
        List<Map<String, Object>> out = new ArrayList<>(list.size());
        for (AttemptFailure a : list) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attempt", a.attempt());
            m.put("startedAt", text(a.startedAt()));
            m.put("endedAt", text(a.endedAt()));
            m.put("messageId", a.messageId());
            m.put("message", a.message());
            m.put("type", a.type());
            m.put("retryWaitMs", a.retryWaitMs());
            out.add(m);
        }
        return out;
    }

    /** @return the cursor that names the page after {@code last} */
    public static String cursor(RunRecord last) {
        String key = last.createdAt() + "|" + last.flowId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return the key a cursor names
     * @throws IllegalArgumentException if it is not one of ours: the message says what is expected
     */
    public static RunQuery.Cursor cursor(String text) {
        try {
            String key = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = key.indexOf('|');
            return new RunQuery.Cursor(Instant.parse(key.substring(0, bar)), key.substring(bar + 1));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a `next` of an earlier answer", e);
        }
    }

    /**
     * @return an ISO-8601 instant, or {@code null} for none
     * @throws IllegalArgumentException if it is not one
     */
    public static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("an ISO-8601 instant such as 2026-12-06T10:00:00Z", e);
        }
    }

    /**
     * @param after the run's status read after the cancel
     * @return 200 when it is cancelled, 202 when it has not ended yet (it unwinds at its next step),
     *     409 when it ended otherwise: a cancel that raced with the run's end did not cancel it
     */
    public static int cancelStatus(FlowStatus after) {
        if (after == FlowStatus.CANCELLED) {
            return 200;
        }
        return after.isFinal() ? 409 : 202;
    }

    /**
     * @param text the {@code limit} parameter, or null
     * @param fallback the size without one
     * @param max the largest size
     * @return the page size
     * @throws IllegalArgumentException if it is not a whole number from 1 to {@code max}
     */
    public static int pageSize(String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        int size;
        try {
            size = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            size = 0;
        }
        if (size < 1 || size > max) {
            throw new IllegalArgumentException("1 to " + max);
        }
        return size;
    }

    /**
     * @return a status by name, any case, or {@code null} for none
     * @throws IllegalArgumentException if there is none of that name
     */
    public static FlowStatus status(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return FlowStatus.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("one of " + List.of(FlowStatus.values()), e);
        }
    }

    private static Object parsed(Payload p) {
        return p == null ? null : parsed(p.json());
    }

    private static Object parsed(String json) {
        if (json == null) {
            return null;
        }
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        } catch (RuntimeException e) {
            return json; // not JSON (a codec of its own): shown as text
        }
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
