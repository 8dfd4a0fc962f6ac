package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crux.ee.langchain4j.Cassette.Mode;

/** How the mode is chosen, and how a missing or broken cassette file fails. */
class CassetteModeTest {

    @TempDir
    Path dir;

    @Test
    void theModeComesFromThePropertyThenTheEnvironmentElseReplay() {
        Map<String, String> none = Map.of();
        assertThat(Mode.configured(none::get, none::get)).isEqualTo(Mode.REPLAY);
        assertThat(Mode.configured(Map.of(Cassette.MODE_PROPERTY, "record")::get, none::get))
                .isEqualTo(Mode.RECORD);
        assertThat(Mode.configured(none::get, Map.of(Cassette.MODE_ENVIRONMENT, "auto")::get))
                .isEqualTo(Mode.RECORD_MISSING);
        assertThat(Mode.configured(
                        Map.of(Cassette.MODE_PROPERTY, "replay")::get,
                        Map.of(Cassette.MODE_ENVIRONMENT, "record")::get))
                .isEqualTo(Mode.REPLAY);
        assertThat(Mode.parse("Record-Missing")).isEqualTo(Mode.RECORD_MISSING);
        assertThatThrownBy(() -> Mode.parse("sometimes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0314E")
                .hasMessageContaining("crux.cassette.mode=sometimes");
    }

    @Test
    void replayingAMissingFileFailsClearly() {
        assertThatThrownBy(() -> Cassette.open(dir.resolve("absent.json"), Mode.REPLAY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0312E")
                .hasMessageContaining("absent.json")
                .hasMessageContaining("does not exist");
    }

    @Test
    void aBrokenFileFailsClearly() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"recordings\": [");
        assertThatThrownBy(() -> Cassette.open(broken, Mode.REPLAY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0312E");
        Path notACassette = Files.writeString(dir.resolve("other.json"), "{\"hello\": 1}");
        assertThatThrownBy(() -> Cassette.open(notACassette, Mode.RECORD_MISSING))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0312E")
                .hasMessageContaining("not a cassette");
    }

    @Test
    void recordingNeedsARealModel() {
        Cassette cassette = Cassette.open(dir.resolve("new.json"), Mode.RECORD);
        assertThatThrownBy(() -> cassette.chatModel("research", null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0311E")
                .hasMessageContaining("'research'");
        assertThatThrownBy(() -> cassette.registry(null).streamingChatModel("research"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("CRUX0311E");
        assertThat(Files.exists(dir.resolve("new.json"))).isFalse();
    }
}
