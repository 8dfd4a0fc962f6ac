package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.crux.ee.eval.QuestionFlow.Question;

/** Data sets from JSONL and CSV files, and in code, with clear errors for malformed files. */
class DataSetTest {

    public record Expected(boolean greeting, int n) {}

    public enum Level {
        LOW,
        HIGH
    }

    public record Ticket(String title, Level level, List<String> labels, Double weight) {}

    @TempDir
    Path dir;

    @Test
    void jsonlLinesBecomeCases() {
        DataSet<Question> set = DataSet.jsonl("evals/questions.jsonl", Question.class);

        assertThat(set.name()).isEqualTo("questions.jsonl");
        List<EvalCase<Question>> cases = set.cases();
        assertThat(cases).extracting(EvalCase::id).containsExactly("why", "retry", "line-4");
        assertThat(cases.get(0).input()).isEqualTo(new Question("why", 0));
        assertThat(cases.get(0).expected()).isEqualTo("answer to why (found why)");
        assertThat(cases.get(0).tags()).containsExactly("smoke");
        assertThat(cases.get(1).input().searchFailures()).isEqualTo(1);
        assertThat(cases.get(2).expected()).isEqualTo(Map.of("greeting", true, "n", new BigDecimal("2")));
        assertThat(set.filter(EvalCase.tagged("smoke")).cases()).hasSize(1);
    }

    @Test
    void jsonlExpectedValuesBindToTheExpectedType() throws IOException {
        Path file = dir.resolve("typed.jsonl");
        Files.writeString(
                file, "{\"id\":\"a\",\"input\":{\"text\":\"hello\"},\"expected\":{\"greeting\":true,\"n\":2}}\n");

        DataSet<Question> set = DataSet.jsonl(file, Question.class, Expected.class);

        assertThat(set.cases().get(0).expected()).isEqualTo(new Expected(true, 2));
    }

    @Test
    void aMalformedJsonlLineNamesTheFileAndLine() {
        assertThatThrownBy(() -> DataSet.jsonl("evals/broken.jsonl", Question.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CRUX0300E")
                .hasMessageContaining("evals/broken.jsonl")
                .hasMessageContaining("at line 2")
                .hasMessageContaining("not JSON");
    }

    @Test
    void jsonlLinesAreCheckedKeyByKey() throws IOException {
        Path file = dir.resolve("keys.jsonl");
        Files.writeString(file, "{\"id\":\"a\",\"input\":{\"text\":\"x\"}}\n{\"id\":\"b\",\"inputs\":{}}\n");
        assertThatThrownBy(() -> DataSet.jsonl(file, Question.class, null))
                .hasMessageContaining("line 2")
                .hasMessageContaining("unknown keys [inputs]");

        Files.writeString(file, "{\"id\":\"a\",\"input\":{\"searchFailures\":\"many\"}}\n");
        assertThatThrownBy(() -> DataSet.jsonl(file, Question.class, null))
                .hasMessageContaining("line 1")
                .hasMessageContaining("\"input\" does not bind to");

        Files.writeString(file, "[1]\n");
        assertThatThrownBy(() -> DataSet.jsonl(file, Question.class, null)).hasMessageContaining("not a JSON object");

        Files.writeString(file, "{\"id\":\"a\",\"input\":{}}\n{\"id\":\"a\",\"input\":{}}\n");
        assertThatThrownBy(() -> DataSet.jsonl(file, Question.class, null))
                .hasMessageStartingWith("CRUX0302E")
                .hasMessageContaining("'a'");
    }

    @Test
    void aMissingResourceIsNamed() {
        assertThatThrownBy(() -> DataSet.jsonl("evals/none.jsonl", Question.class))
                .hasMessageStartingWith("CRUX0301E")
                .hasMessageContaining("evals/none.jsonl");
    }

    @Test
    void csvColumnsMapToTheRecordsComponents() {
        DataSet<Question> set = DataSet.csv("evals/questions.csv", Question.class);

        List<EvalCase<Question>> cases = set.cases();
        assertThat(cases).extracting(EvalCase::id).containsExactly("why", "comma", "multi");
        assertThat(cases.get(0).input()).isEqualTo(new Question("why", 0));
        assertThat(cases.get(0).tags()).containsExactly("smoke", "fast");
        assertThat(cases.get(0).expected()).isEqualTo("answer to why (found why)");
        assertThat(cases.get(1).input()).isEqualTo(new Question("a, b", 1));
        assertThat(cases.get(1).expected()).isEqualTo("say \"hi\"");
        assertThat(cases.get(2).input().text()).isEqualTo("line one\nline two");
        assertThat(cases.get(2).expected()).isNull();
    }

    @Test
    void csvCellsAreJsonExceptForStringsAndEnums() throws IOException {
        Path file = dir.resolve("tickets.csv");
        Files.writeString(
                file, "title,level,labels,weight,expected\nPrinter,HIGH,\"[\"\"hw\"\",\"\"office\"\"]\",,2.5\n");

        DataSet<Ticket> set = DataSet.csv(file, Ticket.class, Double.class);

        EvalCase<Ticket> c = set.cases().get(0);
        assertThat(c.id()).isEqualTo("row-1");
        assertThat(c.input()).isEqualTo(new Ticket("Printer", Level.HIGH, List.of("hw", "office"), null));
        assertThat(c.expected()).isEqualTo(2.5);
    }

    @Test
    void malformedCsvRowsNameTheFileAndLine() throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "text,searchFailures\nwhy,0\nhow,1,extra\n");
        assertThatThrownBy(() -> DataSet.csv(file, Question.class, null))
                .hasMessageStartingWith("CRUX0300E")
                .hasMessageContaining("bad.csv")
                .hasMessageContaining("line 3")
                .hasMessageContaining("3 cells but the header has 2");

        Files.writeString(file, "text,searchFailures\nwhy,0\nhow,\"1\nx,2\n");
        assertThatThrownBy(() -> DataSet.csv(file, Question.class, null))
                .hasMessageContaining("line 3")
                .hasMessageContaining("not closed");

        Files.writeString(file, "text,searchFailures\nwhy,zero\n");
        assertThatThrownBy(() -> DataSet.csv(file, Question.class, null))
                .hasMessageContaining("line 2")
                .hasMessageContaining("column 'searchFailures' is not JSON");

        Files.writeString(file, "text,searchFailures\nw\"hy,0\n");
        assertThatThrownBy(() -> DataSet.csv(file, Question.class, null))
                .hasMessageContaining("line 2")
                .hasMessageContaining("quote in the middle");

        Files.writeString(file, "text,failures\nwhy,0\n");
        assertThatThrownBy(() -> DataSet.csv(file, Question.class, null))
                .hasMessageStartingWith("CRUX0303E")
                .hasMessageContaining("[failures]")
                .hasMessageContaining("[text, searchFailures]");
    }

    @Test
    void aCsvOfAPlainInputUsesTheInputColumn() throws IOException {
        Path file = dir.resolve("plain.csv");
        Files.writeString(file, "\uFEFFid,input,expected\na,hello world,HELLO WORLD\n");

        EvalCase<String> c = DataSet.csv(file, String.class, null).cases().get(0);

        assertThat(c.input()).isEqualTo("hello world");
        assertThat(c.expected()).isEqualTo("HELLO WORLD");
    }

    @Test
    void inCodeCasesMustHaveDistinctIds() {
        assertThat(DataSet.of(EvalCase.of("a", 1), EvalCase.of("b", 2)).cases()).hasSize(2);
        assertThatThrownBy(() -> DataSet.of(EvalCase.of("a", 1), EvalCase.of("a", 2)))
                .hasMessageStartingWith("CRUX0302E");
        assertThatThrownBy(() -> EvalCase.of(" ", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
