package io.crux.ee.langchain4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/**
 * Model calls recorded once against a real model and replayed deterministically: a JSON file of
 * requests and responses, and chat models that answer from it. A test or an evaluation wraps the
 * registry it gives its run, and the flow's generators use the cassette's models by their usual
 * names:
 *
 * <pre>{@code
 * Cassette cassette = Cassette.open(Path.of("src/test/resources/cassettes/research.json"));
 * ModelRegistry models = cassette.registry(realModelsOrNull);   // null is fine when replaying
 * TestRun<Report> run = CruxTest.testFlow(ResearchFlow.class)
 *         .service(ModelRegistry.class, models)
 *         .input(new Topic("durable execution"))
 *         .run();
 * assertThat(cassette.unusedRecordings()).isEmpty();
 * }</pre>
 *
 * <p><b>Modes.</b> {@link Mode#REPLAY} (the default) never calls a model: each request is answered
 * by a recording of the same model whose request is equal, and a request without one fails with
 * {@link CassetteMismatchError} ({@code CRUX0310E}), which shows where it differs from the closest
 * recording. {@link Mode#RECORD} calls the real model for every request and writes a fresh cassette
 * (the old recordings are dropped when the first new one is written). {@link Mode#RECORD_MISSING}
 * (alias {@code AUTO}) replays what is recorded and calls the real model, appending to the file,
 * only for requests that have no recording. {@link #open(Path)} reads the mode from the system
 * property {@value #MODE_PROPERTY}, then the environment variable {@value #MODE_ENVIRONMENT};
 * {@link #open(Path, Mode)} fixes it in code.
 *
 * <p><b>Matching.</b> Two requests match when their canonical JSON (the {@code request} of a
 * recording) is equal: every message with its role, text, name, tool calls (id, name, arguments) and
 * tool results; the tool specifications; the response format with its JSON schema; the tool choice
 * and the sampling parameters set on the request (model name, temperature, top-p, top-k, penalties,
 * maximum output tokens, stop sequences). Nothing volatile enters it: requests carry no ids or times,
 * and the ids of tool calls are those of the recorded responses, so they repeat on replay. The
 * model's own defaults (set on the real model, not on the request) are not compared. A request that
 * was recorded several times is answered by those recordings in recorded order, and by the last of
 * them once they are used up. Whether the request was blocking or streaming is recorded but not
 * compared.
 *
 * <p><b>Streaming.</b> A replayed streaming call sends the recorded thinking, then the text in the
 * recorded chunks (word by word when it was recorded by a blocking call), then the tool calls and the
 * complete response, on the calling thread.
 *
 * <p><b>The file.</b> Pretty-printed JSON with a fixed key order, so that a re-recording diffs well
 * in review: {@code models} (per name, the provider, model name and capabilities of the blocking and
 * the streaming model, which replayed models report so that generators build the same requests) and
 * {@code recordings} (each with {@code model}, {@code streaming}, {@code request} and
 * {@code response}). The file is rewritten after every new recording. Keep one cassette file per
 * scenario and one {@code Cassette} instance per file while recording.
 *
 * <p>Thread-safe: lookups and recordings are guarded by the instance; real model calls run outside
 * the lock.
 */
public final class Cassette {

    /** The system property that chooses the mode of {@link #open(Path)}. */
    public static final String MODE_PROPERTY = "crux.cassette.mode";

    /** The environment variable read when {@value #MODE_PROPERTY} is not set. */
    public static final String MODE_ENVIRONMENT = "CRUX_CASSETTE_MODE";

    private static final int FORMAT = 1;
    private static final int SHOWN_DIFFERENCES = 5;

    /** What a cassette does with a request. */
    public enum Mode {
        /** Answer from the recordings only; never call a model. The default. */
        REPLAY,
        /** Call the real model for every request and write a fresh cassette. */
        RECORD,
        /** Replay what is recorded; call the real model and record only what is missing. Alias {@code AUTO}. */
        RECORD_MISSING;

        /**
         * @param value {@code replay}, {@code record}, {@code record_missing}, {@code record-missing} or
         *     {@code auto}, in any case
         * @return the mode
         * @throws IllegalArgumentException ({@code CRUX0314E}) for another value
         */
        public static Mode parse(String value) {
            String v = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            if (v.equals("AUTO")) {
                return RECORD_MISSING;
            }
            for (Mode m : values()) {
                if (m.name().equals(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException(Messages.cassetteBadMode(MODE_PROPERTY, value));
        }

        /**
         * @return the mode of {@value Cassette#MODE_PROPERTY} in MicroProfile Config when an
         *     implementation is present (its default sources include system properties and the
         *     environment), else of the system property {@value Cassette#MODE_PROPERTY}, else of the
         *     environment variable {@value Cassette#MODE_ENVIRONMENT}, else {@link #REPLAY}
         * @throws IllegalArgumentException ({@code CRUX0314E}) if the value is not a mode
         */
        public static Mode configured() {
            return configured(key -> fromConfig(key).orElseGet(() -> System.getProperty(key)), System::getenv);
        }

        private static Optional<String> fromConfig(String key) {
            try {
                return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getOptionalValue(key, String.class);
            } catch (IllegalStateException | LinkageError | java.util.ServiceConfigurationError noConfig) {
                // plain Java or a test without a MicroProfile Config implementation
                return Optional.empty();
            }
        }

        static Mode configured(Function<String, String> properties, Function<String, String> environment) {
            String value = properties.apply(MODE_PROPERTY);
            if (value == null || value.isBlank()) {
                value = environment.apply(MODE_ENVIRONMENT);
            }
            return value == null || value.isBlank() ? REPLAY : parse(value);
        }
    }

    private record Recording(String model, boolean streaming, JsonObject request, JsonObject response) {}

    /** What a replayed model reports about itself, as the real one did. */
    private record ModelInfo(String provider, String modelName, Set<Capability> capabilities) {}

    private final Path file;
    private final Mode mode;
    private final List<Recording> recordings = new ArrayList<>();
    private final List<Boolean> used = new ArrayList<>();
    private final Map<String, ModelInfo> models = new TreeMap<>();
    private boolean fresh;

    private Cassette(Path file, Mode mode) {
        this.file = file;
        this.mode = mode;
        this.fresh = mode == Mode.RECORD;
        if (mode != Mode.RECORD && Files.exists(file)) {
            load();
        }
    }

    /**
     * Opens a cassette in the {@link Mode#configured() configured} mode.
     *
     * @param file the cassette file, for example {@code src/test/resources/cassettes/research.json};
     *     in replay it must exist
     * @return the cassette
     * @throws IllegalStateException ({@code CRUX0312E}) if the file cannot be read, or is missing in
     *     {@link Mode#REPLAY}
     * @throws IllegalArgumentException ({@code CRUX0314E}) if the configured mode is not a mode
     */
    public static Cassette open(Path file) {
        return open(file, Mode.configured());
    }

    /**
     * Opens a cassette in a mode fixed in code, whatever the configuration says.
     *
     * @param file the cassette file
     * @param mode the mode
     * @return the cassette
     * @throws IllegalStateException ({@code CRUX0312E}) if the file cannot be read, or is missing in
     *     {@link Mode#REPLAY}
     */
    public static Cassette open(Path file, Mode mode) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.REPLAY && !Files.exists(file)) {
            throw new IllegalStateException(Messages.cassetteUnreadable(
                    file.toString(), "it does not exist (record it first with -D" + MODE_PROPERTY + "=RECORD)"));
        }
        return new Cassette(file, mode);
    }

    /**
     * The registry of the {@link Mode#configured() configured} mode over a cassette file.
     *
     * @param real the registry of the real models; {@code null} when only replaying
     * @param file the cassette file
     * @return the registry of the cassette's models
     */
    public static ModelRegistry registry(ModelRegistry real, Path file) {
        return open(file).registry(real);
    }

    /** @return the cassette file */
    public Path file() {
        return file;
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /**
     * A registry whose models are this cassette's: a flow's generators use them by name, with no
     * change to their code. In {@link Mode#REPLAY} the real registry is never asked, and a name
     * without recordings fails with {@link ModelNotFoundException}; in the recording modes each name
     * wraps the real model of that name.
     *
     * @param real the registry of the real models; {@code null} when only replaying
     * @return the registry; its models are created once per name and kind
     */
    public ModelRegistry registry(ModelRegistry real) {
        Map<String, ChatModel> chat = new ConcurrentHashMap<>();
        Map<String, StreamingChatModel> streaming = new ConcurrentHashMap<>();
        return new ModelRegistry() {
            @Override
            public ChatModel chatModel(String name) {
                return chat.computeIfAbsent(
                        name,
                        n -> Cassette.this.chatModel(n, realModel(n, "ChatModel", () -> real.chatModel(n), real)));
            }

            @Override
            public StreamingChatModel streamingChatModel(String name) {
                return streaming.computeIfAbsent(
                        name,
                        n -> Cassette.this.streamingChatModel(
                                n, realModel(n, "StreamingChatModel", () -> real.streamingChatModel(n), real)));
            }
        };
    }

    private <T> T realModel(String name, String kind, Supplier<T> lookup, ModelRegistry real) {
        if (mode == Mode.REPLAY) {
            if (!knows(name, kind.equals("StreamingChatModel"))) {
                throw new ModelNotFoundException(Messages.modelNotFound(name, kind, names()));
            }
            return null;
        }
        if (real == null) {
            if (mode == Mode.RECORD) {
                throw new IllegalStateException(Messages.cassetteNoRealModel(file.toString(), name, kind, mode.name()));
            }
            return null;
        }
        if (mode == Mode.RECORD) {
            return lookup.get();
        }
        try {
            return lookup.get();
        } catch (ModelNotFoundException absent) {
            return null;
        }
    }

    /**
     * A blocking model of this cassette.
     *
     * @param name the model's name, as recorded
     * @param real the real model to call when recording; {@code null} when only replaying, and
     *     never called in {@link Mode#REPLAY}
     * @return the model
     * @throws IllegalStateException ({@code CRUX0311E}) if {@code real} is {@code null} in {@link Mode#RECORD}
     */
    public ChatModel chatModel(String name, ChatModel real) {
        Objects.requireNonNull(name, "name");
        requireRealWhenRecording(name, "ChatModel", real);
        return new CassetteChatModel(name, mode == Mode.REPLAY ? null : real);
    }

    /**
     * A streaming model of this cassette.
     *
     * @param name the model's name, as recorded
     * @param real the real model to call when recording; {@code null} when only replaying, and
     *     never called in {@link Mode#REPLAY}
     * @return the model
     * @throws IllegalStateException ({@code CRUX0311E}) if {@code real} is {@code null} in {@link Mode#RECORD}
     */
    public StreamingChatModel streamingChatModel(String name, StreamingChatModel real) {
        Objects.requireNonNull(name, "name");
        requireRealWhenRecording(name, "StreamingChatModel", real);
        return new CassetteStreamingModel(name, mode == Mode.REPLAY ? null : real);
    }

    private void requireRealWhenRecording(String name, String kind, Object real) {
        if (mode == Mode.RECORD && real == null) {
            throw new IllegalStateException(Messages.cassetteNoRealModel(file.toString(), name, kind, mode.name()));
        }
    }

    /** @return how many recordings the cassette holds */
    public synchronized int size() {
        return recordings.size();
    }

    /**
     * @return a description ({@code #<index> <model>: <last message>}) of each recording that no
     *     request has used since the cassette was opened; a test that asserts it is empty notices a flow
     *     that now makes fewer model calls than were recorded
     */
    public synchronized List<String> unusedRecordings() {
        List<String> unused = new ArrayList<>();
        for (int i = 0; i < recordings.size(); i++) {
            if (!used.get(i)) {
                unused.add("#" + i + " " + recordings.get(i).model() + ": "
                        + describe(recordings.get(i).request()));
            }
        }
        return unused;
    }

    @Override
    public String toString() {
        return "Cassette[" + file + ", " + mode + "]";
    }

    // ---- matching and recording

    private synchronized boolean knows(String name, boolean streaming) {
        return models.containsKey(key(name, streaming))
                || models.containsKey(key(name, !streaming))
                || recordings.stream().anyMatch(r -> r.model().equals(name));
    }

    private synchronized List<String> names() {
        Set<String> names = new TreeSet<>();
        models.keySet().forEach(k -> names.add(k.substring(0, k.lastIndexOf('#'))));
        recordings.forEach(r -> names.add(r.model()));
        return List.copyOf(names);
    }

    private static String key(String name, boolean streaming) {
        return name + (streaming ? "#streaming" : "#chat");
    }

    /** @return the recording that answers the request, or empty when it must be recorded */
    private synchronized Optional<Recording> find(String model, JsonObject request, boolean canRecord) {
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

    private synchronized void record(
            String model, boolean streaming, JsonObject request, ChatResponse response, List<String> chunks) {
        if (fresh) {
            recordings.clear();
            used.clear();
            models.clear();
            fresh = false;
        }
        recordings.add(new Recording(model, streaming, request, CassetteJson.response(response, chunks)));
        used.add(true);
        save();
    }

    private synchronized void remember(String model, boolean streaming, Object real) {
        ModelInfo info;
        if (real instanceof ChatModel c && !streaming) {
            info = info(c.provider(), c.defaultRequestParameters(), c.supportedCapabilities());
        } else if (real instanceof StreamingChatModel s) {
            info = info(s.provider(), s.defaultRequestParameters(), s.supportedCapabilities());
        } else {
            return;
        }
        if (fresh) {
            recordings.clear();
            used.clear();
            models.clear();
            fresh = false;
        }
        models.put(key(model, streaming), info);
    }

    private static ModelInfo info(ModelProvider provider, ChatRequestParameters defaults, Set<Capability> caps) {
        return new ModelInfo(
                provider == null ? null : provider.name(),
                defaults == null ? null : defaults.modelName(),
                caps == null ? Set.of() : Set.copyOf(caps));
    }

    private synchronized ModelInfo info(String model, boolean streaming) {
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

    // ---- the file

    private void load() {
        JsonObject json;
        try {
            json = CassetteJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | JsonException | ClassCastException e) {
            throw new IllegalStateException(Messages.cassetteUnreadable(file.toString(), Messages.describe(e)), e);
        }
        try {
            JsonObject ms = json.getJsonObject("models");
            if (ms != null) {
                for (Map.Entry<String, JsonValue> e : ms.entrySet()) {
                    JsonObject kinds = e.getValue().asJsonObject();
                    for (String kind : List.of("chat", "streaming")) {
                        if (kinds.containsKey(kind)) {
                            models.put(key(e.getKey(), kind.equals("streaming")), readInfo(kinds.getJsonObject(kind)));
                        }
                    }
                }
            }
            for (JsonValue v : json.getJsonArray("recordings")) {
                JsonObject r = v.asJsonObject();
                recordings.add(new Recording(
                        r.getString("model"),
                        r.getBoolean("streaming", false),
                        r.getJsonObject("request"),
                        r.getJsonObject("response")));
                used.add(false);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    Messages.cassetteUnreadable(file.toString(), "it is not a cassette (" + Messages.describe(e) + ")"),
                    e);
        }
    }

    private static ModelInfo readInfo(JsonObject json) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        if (json.containsKey("capabilities")) {
            for (JsonValue c : json.getJsonArray("capabilities")) {
                caps.add(Capability.valueOf(((JsonString) c).getString()));
            }
        }
        return new ModelInfo(
                CassetteJson.string(json, "provider"), CassetteJson.string(json, "modelName"), Set.copyOf(caps));
    }

    private void save() {
        JsonObjectBuilder ms = Json.createObjectBuilder();
        Map<String, JsonObjectBuilder> byName = new TreeMap<>();
        for (Map.Entry<String, ModelInfo> e : models.entrySet()) {
            String k = e.getKey();
            String name = k.substring(0, k.lastIndexOf('#'));
            String kind = k.substring(k.lastIndexOf('#') + 1);
            ModelInfo info = e.getValue();
            JsonObjectBuilder i = Json.createObjectBuilder();
            if (info.provider() != null) {
                i.add("provider", info.provider());
            }
            if (info.modelName() != null) {
                i.add("modelName", info.modelName());
            }
            if (!info.capabilities().isEmpty()) {
                JsonArrayBuilder caps = Json.createArrayBuilder();
                info.capabilities().stream().map(Enum::name).sorted().forEach(caps::add);
                i.add("capabilities", caps);
            }
            byName.computeIfAbsent(name, n -> Json.createObjectBuilder()).add(kind, i);
        }
        byName.forEach(ms::add);
        JsonArrayBuilder rs = Json.createArrayBuilder();
        for (Recording r : recordings) {
            rs.add(Json.createObjectBuilder()
                    .add("model", r.model())
                    .add("streaming", r.streaming())
                    .add("request", r.request())
                    .add("response", r.response()));
        }
        JsonObject json = Json.createObjectBuilder()
                .add("format", FORMAT)
                .add("models", ms)
                .add("recordings", rs)
                .build();
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, CassetteJson.pretty(json), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException(Messages.cassetteUnwritable(file.toString(), Messages.describe(e)), e);
        }
    }

    // ---- the models

    private abstract class CassetteModelBase {
        final String name;
        final boolean streaming;
        final Object real;

        CassetteModelBase(String name, boolean streaming, Object real) {
            this.name = name;
            this.streaming = streaming;
            this.real = real;
        }

        ModelProvider providerOf(ModelProvider realProvider) {
            if (real != null) {
                return realProvider;
            }
            ModelInfo info = info(name, streaming);
            if (info == null || info.provider() == null) {
                return ModelProvider.OTHER;
            }
            try {
                return ModelProvider.valueOf(info.provider());
            } catch (IllegalArgumentException unknown) {
                return ModelProvider.OTHER;
            }
        }

        ChatRequestParameters defaultsOf(ChatRequestParameters realDefaults) {
            if (real != null) {
                return realDefaults;
            }
            ModelInfo info = info(name, streaming);
            String modelName = info == null || info.modelName() == null ? name : info.modelName();
            return ChatRequestParameters.builder().modelName(modelName).build();
        }

        Set<Capability> capabilitiesOf(Set<Capability> realCapabilities) {
            if (real != null) {
                return realCapabilities;
            }
            ModelInfo info = info(name, streaming);
            return info == null ? Set.of() : info.capabilities();
        }

        String responseId(Recording r) {
            synchronized (Cassette.this) {
                return "cassette-" + recordings.indexOf(r);
            }
        }
    }

    private final class CassetteChatModel extends CassetteModelBase implements ChatModel {
        private final ChatModel delegate;

        CassetteChatModel(String name, ChatModel real) {
            super(name, false, real);
            this.delegate = real;
        }

        @Override
        public ChatResponse chat(ChatRequest request) {
            JsonObject canonical = CassetteJson.request(request);
            Optional<Recording> recorded = find(name, canonical, delegate != null);
            if (recorded.isPresent()) {
                return CassetteJson.chatResponse(recorded.get().response(), responseId(recorded.get()));
            }
            remember(name, false, delegate);
            ChatResponse response = delegate.chat(request);
            record(name, false, canonical, response, null);
            return response;
        }

        @Override
        public ChatResponse doChat(ChatRequest request) {
            return chat(request);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return defaultsOf(delegate == null ? null : delegate.defaultRequestParameters());
        }

        @Override
        public ModelProvider provider() {
            return providerOf(delegate == null ? null : delegate.provider());
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return capabilitiesOf(delegate == null ? null : delegate.supportedCapabilities());
        }

        @Override
        public String toString() {
            return "CassetteChatModel[" + name + ", " + file + ", " + mode + "]";
        }
    }

    private final class CassetteStreamingModel extends CassetteModelBase implements StreamingChatModel {
        private final StreamingChatModel delegate;

        CassetteStreamingModel(String name, StreamingChatModel real) {
            super(name, true, real);
            this.delegate = real;
        }

        @Override
        public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
            JsonObject canonical = CassetteJson.request(request);
            Optional<Recording> recorded = find(name, canonical, delegate != null);
            if (recorded.isPresent()) {
                replay(recorded.get(), handler);
                return;
            }
            remember(name, true, delegate);
            delegate.chat(request, new RecordingHandler(canonical, handler));
        }

        @Override
        public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
            chat(request, handler);
        }

        /** Sends the text in the recorded chunks, or word by word when it was recorded by a blocking call. */
        private void replay(Recording recording, StreamingChatResponseHandler handler) {
            ChatResponse response = CassetteJson.chatResponse(recording.response(), responseId(recording));
            String text = response.aiMessage().text();
            List<String> chunks = List.of();
            if (text != null) {
                chunks = CassetteJson.chunks(recording.response());
                if (!String.join("", chunks).equals(text)) {
                    chunks = StreamReplay.words(text);
                }
            }
            StreamReplay.send(response, chunks, handler);
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return defaultsOf(delegate == null ? null : delegate.defaultRequestParameters());
        }

        @Override
        public ModelProvider provider() {
            return providerOf(delegate == null ? null : delegate.provider());
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return capabilitiesOf(delegate == null ? null : delegate.supportedCapabilities());
        }

        @Override
        public String toString() {
            return "CassetteStreamingChatModel[" + name + ", " + file + ", " + mode + "]";
        }

        /** Passes every event on, and records the response with its chunks when it completes. */
        private final class RecordingHandler implements StreamingChatResponseHandler {
            private final JsonObject request;
            private final StreamingChatResponseHandler target;
            private final List<String> chunks = new ArrayList<>();

            RecordingHandler(JsonObject request, StreamingChatResponseHandler target) {
                this.request = request;
                this.target = target;
            }

            @Override
            public void onPartialResponse(String partial) {
                synchronized (chunks) {
                    chunks.add(partial);
                }
                target.onPartialResponse(partial);
            }

            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                synchronized (chunks) {
                    chunks.add(partial.text());
                }
                target.onPartialResponse(partial, context);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking) {
                target.onPartialThinking(thinking);
            }

            @Override
            public void onPartialThinking(PartialThinking thinking, PartialThinkingContext context) {
                target.onPartialThinking(thinking, context);
            }

            @Override
            public void onPartialToolCall(PartialToolCall call) {
                target.onPartialToolCall(call);
            }

            @Override
            public void onPartialToolCall(PartialToolCall call, PartialToolCallContext context) {
                target.onPartialToolCall(call, context);
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall call) {
                target.onCompleteToolCall(call);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                List<String> copy;
                synchronized (chunks) {
                    copy = List.copyOf(chunks);
                }
                record(name, true, request, response, copy);
                target.onCompleteResponse(response);
            }

            @Override
            public void onError(Throwable error) {
                target.onError(error);
            }
        }
    }
}
