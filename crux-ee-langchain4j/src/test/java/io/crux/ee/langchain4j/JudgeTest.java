package io.crux.ee.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ResponseFormatType;

import io.crux.ee.api.exception.ModelNotFoundException;
import io.crux.ee.api.exception.ValidationExhaustedException;
import io.crux.ee.langchain4j.Judge.Verdict;
import io.crux.ee.langchain4j.ScriptedModel.Reply;
import io.crux.ee.langchain4j.spi.ModelRegistry;

/** The judge asks its model for a verdict as JSON, repairs unusable replies, and fails clearly after the repairs. */
class JudgeTest {

    private static final String RUBRIC = "The answer gives the order's shipping date.";

    private final ScriptedModel model = ScriptedModel.named("judge");
    private final Judge judge = Judge.of(ModelRegistry.of("judge", model), "judge");

    private static String text(ChatMessage m) {
        return m instanceof SystemMessage s
                ? s.text()
                : m instanceof UserMessage u ? u.singleText() : ((AiMessage) m).text();
    }

    @Test
    void aPassingVerdict() {
        model.reply(Reply.json("{\"score\": 0.9, \"pass\": true, \"reason\": \"It names the date.\"}"));

        Verdict v = judge.judge(RUBRIC, "When does A-17 ship?", "A-17 ships today.", "It ships today.");

        assertThat(v).isEqualTo(new Verdict(0.9, true, "It names the date."));
        List<ChatMessage> sent = model.lastRequest().messages();
        assertThat(sent).hasSize(2);
        assertThat(text(sent.get(0)))
                .contains("impartial evaluator")
                .contains("Rubric:\n" + RUBRIC)
                .as("format instructions, as the model declares no JSON-schema support")
                .contains("score")
                .contains("reason");
        assertThat(text(sent.get(1)))
                .isEqualTo("<INPUT>\nWhen does A-17 ship?\n</INPUT>\n\n<OUTPUT>\nA-17 ships today.\n</OUTPUT>"
                        + "\n\n<EXPECTED>\nIt ships today.\n</EXPECTED>");
        assertThat(model.lastRequest().responseFormat()).isNull();
    }

    @Test
    void aFailingVerdictWithoutAnExpectedAnswer() {
        model.reply(Reply.json("```json\n{\"score\": 0.1, \"pass\": false, \"reason\": \"No date.\"}\n```"));

        Verdict v = judge.judge(RUBRIC, "When does A-17 ship?", "I like trains.", null);

        assertThat(v.score()).isEqualTo(0.1);
        assertThat(v.pass()).isFalse();
        assertThat(v.reason()).isEqualTo("No date.");
        assertThat(text(model.lastRequest().messages().get(1))).doesNotContain("EXPECTED");
    }

    @Test
    void aMalformedReplyIsRepaired() {
        model.reply(
                Reply.text("Looks good to me!"),
                Reply.json("{\"score\": 7, \"pass\": true, \"reason\": \"Great.\"}"),
                Reply.json("{\"score\": 0.7, \"pass\": true, \"reason\": \"Mostly.\"}"));

        Verdict v = judge.judge(RUBRIC, "in", "out", null);

        assertThat(v).isEqualTo(new Verdict(0.7, true, "Mostly."));
        assertThat(model.requests()).hasSize(3);
        List<ChatMessage> second = model.requests().get(1).messages();
        assertThat(second).hasSize(4);
        assertThat(text(second.get(2))).isEqualTo("Looks good to me!");
        assertThat(text(second.get(3))).startsWith("Your last reply cannot be used because");
        assertThat(text(model.lastRequest().messages().get(5))).contains("its score 7.0 is not within 0 and 1");
    }

    @Test
    void aReplyThatStaysMalformedFailsWithTheLastProblem() {
        model.reply(
                Reply.text("yes"),
                Reply.json("{\"score\": 0.5}"),
                Reply.json("{\"score\": 0.5, \"pass\": true, \"reason\": \" \"}"));

        ValidationExhaustedException e =
                catchThrowableOfType(ValidationExhaustedException.class, () -> judge.judge(RUBRIC, "in", "out", "exp"));

        assertThat(e.messageId()).isEqualTo("CRUX0315E");
        assertThat(e.getMessage())
                .contains("'judge'")
                .contains("after 2 repairs")
                .contains("it gives no reason");
        assertThat(model.requests()).hasSize(3);
        assertThat(model.remainingReplies()).isZero();
    }

    @Test
    void withoutRepairsTheFirstUnusableReplyFails() {
        model.reply(Reply.json("{\"score\": 0.5}"));

        assertThatThrownBy(() -> judge.withMaxRepairs(0).judge(RUBRIC, "in", "out", null))
                .isInstanceOf(ValidationExhaustedException.class)
                .hasMessageStartingWith("CRUX0315E")
                .hasMessageContaining("after 0 repairs")
                .hasMessageContaining("it has no pass");
    }

    @Test
    void aModelWithJsonSchemaSupportGetsAResponseFormat() {
        model.withCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .reply(Reply.json("{\"score\": 1, \"pass\": true, \"reason\": \"Exact.\"}"));

        Verdict v = judge.judge(RUBRIC, "in", "out", null);

        assertThat(v.score()).isEqualTo(1.0);
        assertThat(model.lastRequest().responseFormat().type()).isEqualTo(ResponseFormatType.JSON);
        assertThat(model.lastRequest().responseFormat().jsonSchema()).isNotNull();
    }

    @Test
    void anUnknownModelAndABadVerdictFail() {
        assertThatThrownBy(() -> Judge.of(ModelRegistry.NONE, "judge").judge(RUBRIC, "in", "out", null))
                .isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> new Verdict(1.5, true, "too good")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> judge.withMaxRepairs(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
