package io.crux.ee.langchain4j;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A replaying {@link Cassette} was asked a request it has no recording of ({@code CRUX0310E}). Like
 * {@link ScriptedModel}'s unmocked call it is an {@link AssertionError}: a test that changed a
 * prompt, a tool or a parameter fails, and the message shows where the request departs from the
 * closest recording.
 */
public final class CassetteMismatchError extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String model;
    private final int closest;
    private final List<String> differences;

    CassetteMismatchError(String message, Path file, String model, int closest, List<String> differences) {
        super(message);
        this.file = file;
        this.model = model;
        this.closest = closest;
        this.differences = List.copyOf(differences);
    }

    /** @return the cassette file */
    public Path file() {
        return file;
    }

    /** @return the model's name in the registry */
    public String model() {
        return model;
    }

    /** @return the index, in the cassette's {@code recordings}, of the closest recording of the model, if any */
    public OptionalInt closestRecording() {
        return closest < 0 ? OptionalInt.empty() : OptionalInt.of(closest);
    }

    /**
     * @return where the request differs from the closest recording, as
     *     {@code messages[1].text: recorded "...", requested "..."}, at most five; empty when the model
     *     has no recording
     */
    public List<String> differences() {
        return differences;
    }
}
