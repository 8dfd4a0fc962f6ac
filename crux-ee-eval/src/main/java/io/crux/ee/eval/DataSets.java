package io.crux.ee.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;

/** The data sets that crux-ee-eval reads itself: fixed lists, JSONL and CSV. */
final class DataSets {

    private DataSets() {}

    /** A named list of cases. */
    record Fixed<I>(String name, List<EvalCase<I>> cases) implements DataSet<I> {
        Fixed {
            Objects.requireNonNull(name, "name");
            cases = List.copyOf(cases);
            Set<String> ids = new HashSet<>();
            for (EvalCase<I> c : cases) {
                if (!ids.add(c.id())) {
                    throw new IllegalArgumentException(EvalMessages.duplicateCaseId(name, c.id()));
                }
            }
        }
    }

    /** Where a data set's text comes from. */
    interface Source {
        String name();

        Reader open() throws IOException;

        static Source resource(String resource) {
            Objects.requireNonNull(resource, "resource");
            return new Source() {
                @Override
                public String name() {
                    return resource;
                }

                @Override
                public Reader open() {
                    ClassLoader loader = Thread.currentThread().getContextClassLoader();
                    InputStream in = (loader != null ? loader : DataSets.class.getClassLoader())
                            .getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource);
                    if (in == null) {
                        throw new IllegalArgumentException(EvalMessages.dataSetNotFound(resource));
                    }
                    return new InputStreamReader(in, StandardCharsets.UTF_8);
                }
            };
        }

        static Source file(Path file) {
            Objects.requireNonNull(file, "file");
            return new Source() {
                @Override
                public String name() {
                    return file.toString();
                }

                @Override
                public Reader open() throws IOException {
                    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
                }
            };
        }
    }

    private static final String BOM = "\uFEFF";

    private static final Set<String> JSONL_KEYS = Set.of("id", "input", "expected", "tags");

    static <I> DataSet<I> jsonl(Source source, Class<I> inputType, Type expectedType) {
        Objects.requireNonNull(inputType, "inputType");
        List<EvalCase<I>> cases = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(source.open())) {
            int n = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                n++;
                if (n == 1) {
                    line = line.replace(BOM, ""); // a byte order mark, as spreadsheet exports write
                }
                if (!line.isBlank()) {
                    cases.add(jsonlCase(source.name(), n, line, inputType, expectedType));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fixed<>(fileName(source.name()), cases);
    }

    private static <I> EvalCase<I> jsonlCase(String source, int n, String line, Class<I> inputType, Type expectedType) {
        JsonValue parsed;
        try {
            parsed = JsonForms.parse(line);
        } catch (JsonParsingException e) {
            throw new IllegalArgumentException(
                    EvalMessages.badDataSetLine(source, n, "it is not JSON (" + e.getMessage() + ")"), e);
        }
        if (!(parsed instanceof JsonObject object)) {
            throw new IllegalArgumentException(EvalMessages.badDataSetLine(source, n, "it is not a JSON object"));
        }
        List<String> unknown =
                object.keySet().stream().filter(k -> !JSONL_KEYS.contains(k)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    EvalMessages.badDataSetLine(source, n, "unknown keys " + unknown + "; known are " + JSONL_KEYS));
        }
        if (!object.containsKey("input")) {
            throw new IllegalArgumentException(EvalMessages.badDataSetLine(source, n, "it has no \"input\""));
        }
        String id = "line-" + n;
        if (object.containsKey("id")) {
            JsonValue v = object.get("id");
            if (!(v instanceof JsonString) && v.getValueType() != JsonValue.ValueType.NUMBER) {
                throw new IllegalArgumentException(
                        EvalMessages.badDataSetLine(source, n, "\"id\" is not a string or a number"));
            }
            id = v instanceof JsonString s ? s.getString() : v.toString();
        }
        List<String> tags = new ArrayList<>();
        if (object.containsKey("tags")) {
            if (!(object.get("tags") instanceof JsonArray array)
                    || !array.stream().allMatch(t -> t instanceof JsonString)) {
                throw new IllegalArgumentException(
                        EvalMessages.badDataSetLine(source, n, "\"tags\" is not an array of strings"));
            }
            array.forEach(t -> tags.add(((JsonString) t).getString()));
        }
        I input = bind(source, n, "input", object.get("input"), inputType);
        JsonValue expectedJson = object.getOrDefault("expected", JsonValue.NULL);
        Object expected = expectedType == null || expectedJson == JsonValue.NULL
                ? JsonForms.plain(expectedJson)
                : bind(source, n, "expected", expectedJson, expectedType);
        return new EvalCase<>(id, input, expected, tags, null);
    }

    private static <T> T bind(String source, int n, String what, JsonValue value, Type type) {
        try {
            return JsonForms.bind(value, type);
        } catch (JsonbException e) {
            throw new IllegalArgumentException(
                    EvalMessages.badDataSetLine(
                            source,
                            n,
                            "\"" + what + "\" does not bind to " + type.getTypeName() + " (" + e.getMessage() + ")"),
                    e);
        }
    }

    private static final Set<String> CSV_OWN_COLUMNS = Set.of("id", "expected", "tags");

    static <I> DataSet<I> csv(Source source, Class<I> inputType, Type expectedType) {
        Objects.requireNonNull(inputType, "inputType");
        List<CsvReader.Row> rows;
        try (Reader reader = source.open()) {
            rows = CsvReader.read(source.name(), reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (rows.isEmpty()) {
            return new Fixed<>(fileName(source.name()), List.of());
        }
        List<String> header =
                rows.get(0).cells().stream().map(h -> h.replace(BOM, "").trim()).toList();
        Map<String, Type> components = new LinkedHashMap<>();
        if (inputType.isRecord()) {
            for (RecordComponent c : inputType.getRecordComponents()) {
                components.put(c.getName(), c.getGenericType());
            }
        } else {
            components.put("input", inputType);
        }
        List<String> unknown = header.stream()
                .filter(h -> !CSV_OWN_COLUMNS.contains(h) && !components.containsKey(h))
                .toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    EvalMessages.unknownCsvColumns(source.name(), unknown, components.keySet()));
        }
        List<EvalCase<I>> cases = new ArrayList<>();
        for (CsvReader.Row row : rows.subList(1, rows.size())) {
            if (row.cells().size() == 1 && row.cells().get(0).isEmpty()) {
                continue; // an empty line
            }
            if (row.cells().size() != header.size()) {
                throw new IllegalArgumentException(EvalMessages.badDataSetLine(
                        source.name(),
                        row.line(),
                        "it has " + row.cells().size() + " cells but the header has " + header.size()));
            }
            String id = "row-" + (cases.size() + 1);
            Object expected = null;
            List<String> tags = List.of();
            JsonObjectBuilder input = Json.createObjectBuilder();
            JsonValue wholeInput = JsonValue.NULL;
            for (int i = 0; i < header.size(); i++) {
                String column = header.get(i);
                String cell = row.cells().get(i);
                switch (column) {
                    case "id" -> id = cell.isBlank() ? id : cell.trim();
                    case "tags" ->
                        tags = Arrays.stream(cell.split(";"))
                                .map(String::trim)
                                .filter(t -> !t.isEmpty())
                                .toList();
                    case "expected" -> {
                        if (!cell.isEmpty()) {
                            expected = expectedType == null || expectedType == String.class
                                    ? cell
                                    : bind(
                                            source.name(),
                                            row.line(),
                                            "expected",
                                            cellJson(source.name(), row.line(), column, cell, expectedType),
                                            expectedType);
                        }
                    }
                    default -> {
                        JsonValue value = cellJson(source.name(), row.line(), column, cell, components.get(column));
                        if (inputType.isRecord()) {
                            input.add(column, value);
                        } else {
                            wholeInput = value;
                        }
                    }
                }
            }
            I value = bind(
                    source.name(), row.line(), "input", inputType.isRecord() ? input.build() : wholeInput, inputType);
            cases.add(new EvalCase<>(id, value, expected, tags, null));
        }
        return new Fixed<>(fileName(source.name()), cases);
    }

    private static JsonValue cellJson(String source, int line, String column, String cell, Type type) {
        if (type == String.class
                || type == Character.class
                || type == char.class
                || (type instanceof Class<?> c && c.isEnum())) {
            return Json.createValue(cell);
        }
        if (cell.isBlank()) {
            return JsonValue.NULL;
        }
        try {
            return JsonForms.parse(cell);
        } catch (JsonParsingException e) {
            throw new IllegalArgumentException(
                    EvalMessages.badDataSetLine(
                            source,
                            line,
                            "the cell of column '" + column + "' is not JSON for " + type.getTypeName() + ": " + cell),
                    e);
        }
    }

    private static String fileName(String source) {
        String s = source.replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
