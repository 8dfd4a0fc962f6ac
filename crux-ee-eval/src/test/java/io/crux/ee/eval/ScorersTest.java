package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.Min;

import org.junit.jupiter.api.Test;

/** Each scorer, on outputs that pass and outputs that fail. */
class ScorersTest {

    public record Answer(String text, int confidence) {}

    public record Rated(String text, @Min(0) int stars) {}

    private static <O> Score score(Scorer<O> scorer, O output, Object expected) {
        return scorer.score(new Scored<>(EvalCase.of("c", "the input", expected), "default", output, null, null));
    }

    @Test
    void equalsExpectedComparesAsJson() {
        assertThat(score(Scorers.equalsExpected(), "yes", "yes").passed()).isTrue();
        assertThat(score(Scorers.equalsExpected(), new Answer("a", 2), Map.of("text", "a", "confidence", 2))
                        .passed())
                .isTrue();
        assertThat(score(Scorers.equalsExpected(), 1.0, new BigDecimal("1")).passed())
                .isTrue();

        Score wrong = score(Scorers.equalsExpected(), new Answer("a", 3), Map.of("text", "a", "confidence", 2));
        assertThat(wrong.passed()).isFalse();
        assertThat(wrong.value()).isZero();
        assertThat(wrong.explanation()).contains("\"confidence\":2").contains("\"confidence\":3");
        assertThat(score(Scorers.equalsExpected(), "yes", null).explanation()).contains("no expected value");
        assertThat(score(Scorers.equalTo(List.of(1, 2)), List.of(1, 2), null).passed())
                .isTrue();
        assertThat(score(Scorers.equalTo(List.of(1, 2)), List.of(2, 1), null).passed())
                .isFalse();
    }

    @Test
    void containsScoresTheShareOfSubstringsFound() {
        Scorer<String> scorer = Scorers.contains("crux", "flow", "durable");

        assertThat(score(scorer, "crux runs durable flows", null))
                .isEqualTo(new Score(1, true, "contains \"crux\", \"flow\", \"durable\""));
        Score partial = score(scorer, "crux runs flows", null);
        assertThat(partial.passed()).isFalse();
        assertThat(partial.value()).isEqualTo(2 / 3.0);
        assertThat(partial.explanation()).contains("\"durable\"");
        assertThat(score(Scorers.containsExpected(), "it ships today", "today").passed())
                .isTrue();
        assertThat(score(Scorers.containsExpected(), "it ships tomorrow", "today")
                        .passed())
                .isFalse();
        assertThat(score(Scorers.contains("\"confidence\":2"), new Answer("a", 2), null)
                        .passed())
                .as("a record's text is its JSON")
                .isTrue();
    }

    @Test
    void matchesFindsTheExpression() {
        assertThat(score(Scorers.matches("A-\\d{2}"), "order A-17 ships", null).passed())
                .isTrue();
        assertThat(score(Scorers.matches("^A-\\d{2}$"), "order A-17 ships", null)
                        .passed())
                .isFalse();
        assertThat(score(Scorers.matches("^42$"), 42, null).passed()).isTrue();
    }

    @Test
    void jsonSchemaHoldsTheOutputToATypesSchema() {
        assertThat(score(Scorers.jsonSchema(Rated.class), new Rated("ok", 3), null)
                        .passed())
                .isTrue();
        assertThat(score(Scorers.jsonSchema(Rated.class), "{\"text\":\"ok\",\"stars\":3}", null)
                        .passed())
                .isTrue();

        Score wrongType = score(Scorers.jsonSchema(Rated.class), "{\"text\":\"ok\",\"stars\":\"three\"}", null);
        assertThat(wrongType.passed()).isFalse();
        assertThat(wrongType.explanation()).contains("stars").contains("expected integer");
        Score unknown = score(Scorers.jsonSchema(Rated.class), "{\"text\":\"ok\",\"stars\":1,\"extra\":1}", null);
        assertThat(unknown.passed()).isFalse();
        assertThat(unknown.explanation()).contains("extra");
        Score notJson = score(Scorers.jsonSchema(Rated.class), "stars: 3", null);
        assertThat(notJson.passed()).isFalse();
        assertThat(notJson.explanation()).startsWith("is not JSON");
        assertThat(score(Scorers.jsonSchema(Rated.class), "{\"text\":\"ok\",\"stars\":-1}", null)
                        .explanation())
                .contains("greater than or equal to 0");
    }

    @Test
    void withinAcceptsNumbersCloseEnough() {
        Scorer<Object> absolute = Scorers.within(0.5);
        assertThat(score(absolute, 10.4, 10).passed()).isTrue();
        assertThat(score(absolute, 10.4, 10).value()).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(score(absolute, "9.6", "10").passed()).as("numeric strings").isTrue();
        Score far = score(absolute, 11, 10);
        assertThat(far.passed()).isFalse();
        assertThat(far.value()).isZero();
        assertThat(far.explanation()).contains("11 is 1 from 10");
        assertThat(score(absolute, "ten", 10).explanation()).contains("not a number");
        assertThat(score(absolute, 10, "ten").explanation()).contains("expected value is not a number");

        Scorer<Object> relative = Scorers.withinRelative(0.05);
        assertThat(score(relative, 104, 100).passed()).isTrue();
        assertThat(score(relative, 106, 100).passed()).isFalse();
        assertThat(score(Scorers.within(0), 3, 3).value()).isEqualTo(1.0);
        assertThatThrownBy(() -> Scorers.within(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void judgeAsksTheGraderWithTheCaseAsText() {
        List<String> asked = new java.util.ArrayList<>();
        Grader grader = (rubric, input, output, expected) -> {
            asked.addAll(java.util.Arrays.asList(rubric, input, output, expected));
            return output.contains("today") ? new Score(0.9, true, "names the day") : new Score(0.2, false, "vague");
        };
        Scorer<Answer> judge = Scorers.judge(grader, "Names the shipping day.");

        Score good = score(judge, new Answer("ships today", 1), "today");
        assertThat(good).isEqualTo(new Score(0.9, true, "names the day"));
        assertThat(asked)
                .containsExactly(
                        "Names the shipping day.", "the input", "{\"confidence\":1,\"text\":\"ships today\"}", "today");
        assertThat(score(judge, new Answer("soon", 1), null).passed()).isFalse();
    }

    @Test
    void scoresStayWithinZeroAndOne() {
        assertThatThrownBy(() -> new Score(1.5, true, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Score(Double.NaN, true, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Score.of(0.7, 0.7, "x").passed()).isTrue();
        assertThat(Score.of(0.69, 0.7, "x").passed()).isFalse();
    }
}
