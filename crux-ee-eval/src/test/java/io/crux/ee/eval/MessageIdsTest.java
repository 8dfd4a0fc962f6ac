package io.crux.ee.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The two message catalogs share one space of ids, {@code CRUX0000} to {@code CRUX0999}: crux-ee's
 * ({@code io.crux.ee.catalog.Messages}, which also holds crux-ee-langchain4j's) and this module's. An id
 * names one message for good (operators search logs and the README for it), so no number may be given
 * twice, in one catalog or across the two. Read from the sources of the repository this module is built in.
 */
class MessageIdsTest {

    private static final Pattern ID = Pattern.compile("\"(CRUX\\d{4})[EWI]\"");

    @Test
    void noMessageNumberIsGivenTwice() throws IOException {
        List<String> ids = new ArrayList<>();
        ids.addAll(ids(Path.of("../crux-ee/src/main/java/io/crux/ee/catalog/Messages.java")));
        ids.addAll(ids(Path.of("src/main/java/io/crux/ee/eval/EvalMessages.java")));

        assertThat(ids).as("ids found in the two catalogs").hasSizeGreaterThan(100);
        List<String> twice =
                ids.stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
                        .entrySet()
                        .stream()
                        .filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey)
                        .sorted()
                        .toList();
        assertThat(twice).as("message numbers given twice").isEmpty();
    }

    private static List<String> ids(Path catalog) throws IOException {
        assertThat(catalog)
                .as("a catalog's source, from " + Path.of("").toAbsolutePath())
                .isRegularFile();
        List<String> ids = new ArrayList<>();
        Matcher m = ID.matcher(Files.readString(catalog));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }
}
