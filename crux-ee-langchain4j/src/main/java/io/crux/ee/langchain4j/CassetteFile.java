package io.crux.ee.langchain4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import dev.langchain4j.model.chat.Capability;

import io.crux.ee.catalog.Messages;
import io.crux.ee.langchain4j.Recordings.ModelInfo;
import io.crux.ee.langchain4j.Recordings.Recording;

/** A cassette file: pretty-printed JSON of the models and the recordings, read whole and rewritten atomically. */
final class CassetteFile {

    private static final int FORMAT = 1;

    private CassetteFile() {}

    /**
     * Reads the file into the (empty) collections.
     *
     * @param models filled by {@link Recordings#key(String, boolean) key}
     * @param recordings filled in file order
     * @throws IllegalStateException ({@code CRUX0312E}) if the file cannot be read or is not a cassette
     */
    static void read(Path file, Map<String, ModelInfo> models, List<Recording> recordings) {
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
                            models.put(
                                    Recordings.key(e.getKey(), kind.equals("streaming")),
                                    readInfo(kinds.getJsonObject(kind)));
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

    /**
     * Replaces the file, through a temporary file beside it, creating its folder if needed.
     *
     * @param models by {@link Recordings#key(String, boolean) key}
     * @throws IllegalStateException ({@code CRUX0313E}) if it cannot be written
     */
    static void write(Path file, Map<String, ModelInfo> models, List<Recording> recordings) {
        JsonObjectBuilder ms = Json.createObjectBuilder();
        Map<String, JsonObjectBuilder> byName = new TreeMap<>();
        for (Map.Entry<String, ModelInfo> e : models.entrySet()) {
            String k = e.getKey();
            String name = Recordings.nameOf(k);
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
}
