package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crux.ee.langchain4j.Cassette.Mode;
import io.crux.ee.langchain4j.Judge.Verdict;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/** A judge's verdicts, repairs included, recorded once and replayed from a cassette. */
class JudgeCassetteTest {

    @TempDir
    Path dir;

    @Test
    void aRecordedVerdictReplaysWithItsRepair() {
        Path file = dir.resolve("judge.json");
        ScriptedModel real = ScriptedModel.named("judge")
                .reply(
                        Reply.text("It is fine."),
                        Reply.json("{\"score\": 0.8, \"pass\": true, \"reason\": \"Gives the date.\"}"));
        Verdict recorded = Judge.of(Cassette.open(file, Mode.RECORD).registry(ModelRegistry.of("judge", real)), "judge")
                .judge("Gives the date.", "When?", "Today.", null);

        Cassette replay = Cassette.open(file, Mode.REPLAY);
        Verdict replayed = Judge.of(replay.registry(null), "judge").judge("Gives the date.", "When?", "Today.", null);

        assertThat(replayed).isEqualTo(recorded).isEqualTo(new Verdict(0.8, true, "Gives the date."));
        assertThat(real.requests()).hasSize(2);
        assertThat(replay.size()).isEqualTo(2);
        assertThat(replay.unusedRecordings()).isEmpty();
    }
}
