package io.crux.ee.block;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/**
 * The named outputs of a sequencer's {@code parallel} operation, in the order the branches were
 * declared. Read them with the typed branch handles ({@link #get(Sequencer.Branch)}) or by name.
 *
 * <pre>{@code
 * Sequencer.Branch<Plan, WebHits> web = Sequencer.branch("web", webSearch);
 * Sequencer.Branch<Plan, DocHits> docs = Sequencer.branch("docs", docSearch);
 * ... .parallel("research", 2, web, docs)
 *     .then(Handler.of("merge", (Results r, BlockContext ctx) -> merge(r.get(web), r.get(docs))))
 * }</pre>
 *
 * <p>A value that went through storage (a recorded rescue or fallback output, a run's stored
 * output) comes back as JSON types; the getters convert it to the asked type with JSON-B.
 *
 * @param values the outputs by branch name; unmodifiable
 */
public record Results(Map<String, Object> values) {

    /**
     * @throws NullPointerException if {@code values} is null
     */
    public Results {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(values, "values")));
    }

    /**
     * @param branch a branch of the parallel operation that produced these results
     * @param <T> the branch's output type
     * @return its output
     * @throws IllegalArgumentException if there is no output of that branch
     */
    public <T> T get(Sequencer.Branch<?, T> branch) {
        return get(branch.name(), branch.outputType());
    }

    /**
     * @param name a branch name
     * @param type the wanted type
     * @param <T> the type
     * @return the branch's output, converted to {@code type} if needed
     * @throws IllegalArgumentException if there is no output of that branch
     */
    public <T> T get(String name, Class<T> type) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException(
                    "no parallel branch '" + name + "'; the branches are " + values.keySet());
        }
        Object value = values.get(name);
        if (value == null || type == null || type.isInstance(value)) {
            @SuppressWarnings("unchecked")
            T typed = (T) value;
            return typed;
        }
        return Json.JSONB.fromJson(Json.JSONB.toJson(value), type);
    }

    /** @return the branch names in declaration order */
    public Set<String> names() {
        return values.keySet();
    }

    private static final class Json {
        static final Jsonb JSONB = JsonbBuilder.create();
    }
}
