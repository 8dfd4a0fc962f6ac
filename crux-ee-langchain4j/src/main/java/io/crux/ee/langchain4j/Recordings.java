package io.crux.ee.langchain4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.json.JsonObject;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;

import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.Cassette.Mode;

/**
 * The recordings of one cassette: which one answers a request (repeated requests in recorded order),
 * which are still unused, and the new ones, each written to the file as it is added.
 *
 * <p>Thread-safe: every method is guarded by the instance.
 */
final class Recordings {

    /** One model call: the canonical request and the response of the model of that name. */
    record Recording(String model, boolean streaming, JsonObject request, JsonObject response) {}

    /** What a replayed model reports about itself, as the real one did. */
    record ModelInfo(String provider, String modelName, Set<Capability> capabilities) {}

    private static final int SHOWN_DIFFERENCES = 5;

    private final Path file;
    private final Mode mode;
    private final List<Recording> recordings = new ArrayList<>();
    private final List<Boolean> used = new ArrayList<>();
    private final Map<String, ModelInfo> models = new TreeMap<>();
    private boolean fresh;

    /** Reads the file unless the mode records afresh or the file does not exist yet. */
    Recordings(Path file, Mode mode) {
        this.file = file;
        this.mode = mode;
        this.fresh = mode == Mode.RECORD;
        if (mode != Mode.RECORD && Files.exists(file)) {
            CassetteFile.read(file, models, recordings);
            recordings.forEach(r -> used.add(false));
        }
    }

    Path file() {
        return file;
    }

    Mode mode() {
        return mode;
    }

    /** The key of a model's {@link ModelInfo}: its name and whether it streams. */
    static String key(String name, boolean streaming) {
        return name + (streaming ? "#streaming" : "#chat");
    }

    /** The model name of a {@link #key(String, boolean) key}. */
    static String nameOf(String key) {
        return key.substring(0, key.lastIndexOf('#'));
    }

    synchronized int size() {
        return recordings.size();
    }

    synchronized List<String> unused() {
        List<String> unused = new ArrayList<>();
        for (int i = 0; i < recordings.size(); i++) {
            if (!used.get(i)) {
                unused.add("#" + i + " " + recordings.get(i).model() + ": "
                        + describe(recordings.get(i).request()));
            }
        }
        return unused;
    }

    synchronized boolean knows(String name, boolean streaming) {
        return models.containsKey(key(name, streaming))
                || models.containsKey(key(name, !streaming))
                || recordings.stream().anyMatch(r -> r.model().equals(name));
    }

    synchronized List<String> names() {
        Set<String> names = new TreeSet<>();
        models.keySet().forEach(k -> names.add(nameOf(k)));
        recordings.forEach(r -> names.add(r.model()));
        return List.copyOf(names);
    }

    /** @return the index of the recording in the file, the id of its replayed responses */
    synchronized int indexOf(Recording recording) {
        return recordings.indexOf(recording);
    }

    /**
     * @return the recording that answers the request, or empty when it must be recorded
     * @throws CassetteMismatchError ({@code CRUX0310E}) if none answers it and {@code canRecord} is false
     */
    synchronized Optional<Recording> find(String model, JsonObject request, boolean canRecord) {
        if (mode == Mode.RECORD) {
            return Optional.empty();
        }
        int lastMatch = -1;
        for (int i = 0; i < recordings.size(); i++) {
            Recording r = recordings.get(i);
            if (r.model().equals(model) && r.request().equals(request)) {
                if (!used.get(i)) {
                    used.set(i, true);
                    return Optional.of(r);
                }
                lastMatch = i;
            }
        }
        if (lastMatch >= 0) {
            return Optional.of(recordings.get(lastMatch));
        }
        if (canRecord) {
            return Optional.empty();
        }
        throw mismatch(model, request);
    }

    private CassetteMismatchError mismatch(String model, JsonObject request) {
        int closest = -1;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < recordings.size(); i++) {
            Recording r = recordings.get(i);
            if (r.model().equals(model)) {
                int count = CassetteJson.differences(r.request(), request, 1000).size();
                if (count < fewest) {
                    fewest = count;
                    closest = i;
                }
            }
        }
        List<String> differences = closest < 0
                ? List.of()
                : CassetteJson.differences(recordings.get(closest).request(), request, SHOWN_DIFFERENCES);
        String shown = closest < 0
                ? "The model has no recording at all."
                : "The closest recording, #" + closest + ", differs in " + fewest + (fewest == 1 ? " place" : " places")
                        + ": " + String.join("; ", differences) + ".";
        if (mode == Mode.RECORD_MISSING) {
            shown += " No real model of that name was given to record it.";
        }
        return new CassetteMismatchError(
                Messages.cassetteNoMatch(file.toString(), model, mode.name(), describe(request), shown),
                file,
                model,
                closest,
                differences);
    }

    /** Adds the response of the real model to the request and rewrites the file. */
    synchronized void record(
            String model, boolean streaming, JsonObject request, ChatResponse response, List<String> chunks) {
        startAfresh();
        recordings.add(new Recording(model, streaming, request, CassetteJson.response(response, chunks)));
        used.add(true);
        CassetteFile.write(file, models, recordings);
    }

    /** Notes what the real model reports about itself, for the models that replay it. */
    synchronized void remember(String model, boolean streaming, Object real) {
        ModelInfo info;
        if (real instanceof ChatModel c && !streaming) {
            info = info(c.provider(), c.defaultRequestParameters(), c.supportedCapabilities());
        } else if (real instanceof StreamingChatModel s) {
            info = info(s.provider(), s.defaultRequestParameters(), s.supportedCapabilities());
        } else {
            return;
        }
        startAfresh();
        models.put(key(model, streaming), info);
    }

    /** In {@link Mode#RECORD}, drops what the file held before the first new recording. */
    private void startAfresh() {
        if (fresh) {
            recordings.clear();
            used.clear();
            models.clear();
            fresh = false;
        }
    }

    private static ModelInfo info(ModelProvider provider, ChatRequestParameters defaults, Set<Capability> caps) {
        return new ModelInfo(
                provider == null ? null : provider.name(),
                defaults == null ? null : defaults.modelName(),
                caps == null ? Set.of() : Set.copyOf(caps));
    }

    /** @return what the model of that name and kind reported, else the other kind of that name, else null */
    synchronized ModelInfo info(String model, boolean streaming) {
        ModelInfo info = models.get(key(model, streaming));
        return info != null ? info : models.get(key(model, !streaming));
    }

    private static String describe(JsonObject request) {
        var messages = request.getJsonArray("messages");
        if (messages == null || messages.isEmpty()) {
            return "a request without messages";
        }
        JsonObject last = messages.getJsonObject(messages.size() - 1);
        String text = CassetteJson.string(last, "text");
        if (text == null && last.containsKey("toolCalls")) {
            text = last.getJsonArray("toolCalls").toString();
        }
        text = text == null ? "" : text.replaceAll("\\s+", " ");
        if (text.length() > 100) {
            text = text.substring(0, 97) + "...";
        }
        return "a request of " + messages.size() + " message(s) ending with " + CassetteJson.string(last, "role") + " '"
                + text + "'";
    }
}
