package io.crux.ee.persistence;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.AttemptFailure;
import io.crux.ee.spi.StepFailure;

/**
 * The failed attempts of a step as JSON text, for the {@code ATTEMPT_LOG} column of a checkpoint and
 * the {@code FAILURE_LOG} column of a failed run: an array of
 * {@code {"attempt","startedAt","endedAt","type","message","messageId","retryWaitMs"}}, and for a
 * run the object {@code {"label","attempts","failures":[...]}}. Written with JSON-P, field by field,
 * so that the stored form does not depend on the JSON-B configuration.
 */
final class AttemptLog {

    /** A message longer than this is cut: the log is for reading, the full one is in the server log. */
    static final int MESSAGE_LIMIT = AttemptFailure.MESSAGE_LIMIT;

    private static final Logger LOG = Logger.getLogger(AttemptLog.class.getName());

    private AttemptLog() {}

    /** @return the JSON text, or {@code null} for no failures */
    static String write(List<AttemptFailure> failures) {
        return failures == null || failures.isEmpty()
                ? null
                : array(failures).build().toString();
    }

    /**
     * @param json the stored text, or null
     * @param where what it belongs to, for the warning
     * @return the failed attempts; none, with a warning (CRUX0143W), when the text does not read:
     *     a damaged log must not keep a run from loading its checkpoints (replay, resume)
     */
    static List<AttemptFailure> read(String json, String where) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            return failures(r.readArray());
        } catch (RuntimeException unreadable) { // JsonException, ClassCastException, DateTimeParseException, NPE
            LOG.warning(Messages.attemptLogUnreadable(where, unreadable));
            return List.of();
        }
    }

    static String write(StepFailure failure) {
        return Json.createObjectBuilder()
                .add("label", failure.label())
                .add("attempts", failure.attempts())
                .add("failures", array(failure.failures()))
                .build()
                .toString();
    }

    /** @return the run's failure; null, with a warning (CRUX0143W), when the text does not read */
    static StepFailure readFailure(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            JsonObject o = r.readObject();
            return new StepFailure(o.getString("label"), o.getInt("attempts"), failures(o.getJsonArray("failures")));
        } catch (RuntimeException unreadable) { // JsonException, ClassCastException, DateTimeParseException, NPE
            LOG.warning(Messages.attemptLogUnreadable("a failed run", unreadable));
            return null;
        }
    }

    private static JsonArrayBuilder array(List<AttemptFailure> failures) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (AttemptFailure f : failures) {
            JsonObjectBuilder o = Json.createObjectBuilder()
                    .add("attempt", f.attempt())
                    .add("startedAt", f.startedAt().toString())
                    .add("endedAt", f.endedAt().toString())
                    .add("type", f.type());
            add(o, "message", cut(f.message()));
            add(o, "messageId", f.messageId());
            if (f.retryWaitMs() != null) {
                o.add("retryWaitMs", f.retryWaitMs());
            }
            a.add(o);
        }
        return a;
    }

    private static List<AttemptFailure> failures(JsonArray a) {
        List<AttemptFailure> out = new ArrayList<>(a.size());
        for (JsonValue v : a) {
            JsonObject o = v.asJsonObject();
            out.add(new AttemptFailure(
                    o.getInt("attempt"),
                    Instant.parse(o.getString("startedAt")),
                    Instant.parse(o.getString("endedAt")),
                    o.getString("type"),
                    o.getString("message", null),
                    o.getString("messageId", null),
                    o.containsKey("retryWaitMs")
                            ? o.getJsonNumber("retryWaitMs").longValue()
                            : null));
        }
        return out;
    }

    private static void add(JsonObjectBuilder o, String name, String value) {
        if (value != null) {
            o.add(name, value);
        }
    }

    private static String cut(String s) {
        return AttemptFailure.cut(s);
    }
}
