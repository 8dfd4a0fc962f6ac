package io.crux.ee.langchain4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

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
 * <p>Thread-safe: lookups and recordings are guarded by one lock per cassette; real model calls run outside
 * the lock.
 */
public final class Cassette {

    /** The system property that chooses the mode of {@link #open(Path)}. */
    public static final String MODE_PROPERTY = "crux.cassette.mode";

    /** The environment variable read when {@value #MODE_PROPERTY} is not set. */
    public static final String MODE_ENVIRONMENT = "CRUX_CASSETTE_MODE";

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

    private final Path file;
    private final Mode mode;
    private final Recordings recordings;

    private Cassette(Path file, Mode mode) {
        this.file = file;
        this.mode = mode;
        this.recordings = new Recordings(file, mode);
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
            if (!recordings.knows(name, kind.equals("StreamingChatModel"))) {
                throw new ModelNotFoundException(Messages.modelNotFound(name, kind, recordings.names()));
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
        return new CassetteModels.Chat(recordings, name, mode == Mode.REPLAY ? null : real);
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
        return new CassetteModels.Streaming(recordings, name, mode == Mode.REPLAY ? null : real);
    }

    private void requireRealWhenRecording(String name, String kind, Object real) {
        if (mode == Mode.RECORD && real == null) {
            throw new IllegalStateException(Messages.cassetteNoRealModel(file.toString(), name, kind, mode.name()));
        }
    }

    /** @return how many recordings the cassette holds */
    public int size() {
        return recordings.size();
    }

    /**
     * @return a description ({@code #<index> <model>: <last message>}) of each recording that no
     *     request has used since the cassette was opened; a test that asserts it is empty notices a flow
     *     that now makes fewer model calls than were recorded
     */
    public List<String> unusedRecordings() {
        return recordings.unused();
    }

    @Override
    public String toString() {
        return "Cassette[" + file + ", " + mode + "]";
    }
}
