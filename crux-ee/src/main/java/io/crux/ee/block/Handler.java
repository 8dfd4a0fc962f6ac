package io.crux.ee.block;

import java.util.Objects;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;

/**
 * A leaf block of plain logic: it computes its output from its input and the run's state, and is
 * silent unless it emits items. Inside a flow it runs as one durable step labelled with its path,
 * so a resumed or recovered run returns the recorded output instead of running it again. Its output
 * must therefore be JSON-B serializable (records work best).
 *
 * <pre>{@code
 * Handler<Question, Plan> plan = Handler.of("plan", (question, ctx) -> {
 *     ctx.session().inc("questions", 1);
 *     return planner.plan(question.text());
 * });
 * Handler<Plan, Hits> search = Handler.of("search", (p, ctx) -> index.search(p.query()))
 *         .withOptions(StepOptions.<Hits>retry(3, Duration.ofMillis(200), Backoff.EXPONENTIAL));
 * }</pre>
 *
 * <p>A handler's code may call the scope ({@code ctx.scope()}): its state, {@code emit},
 * {@code message}, {@code step} (a nested step keyed under the handler's path) and
 * {@code suspend} (the handler runs again from its start when the signal arrives, so keep the work
 * before a suspension cheap, or put the suspension in a handler of its own). It may not run other
 * blocks; {@link BlockContext#run} throws inside a leaf.
 *
 * <p>Immutable and thread-safe if its body is.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Handler<I, O> extends NamedBlock<I, O> {

    /**
     * The logic of a handler.
     *
     * @param <I> the input type
     * @param <O> the output type
     */
    @FunctionalInterface
    public interface Body<I, O> {
        /**
         * @param input the handler's input
         * @param ctx the run, the handler's path and the models
         * @return the output
         * @throws Exception a failure, retried and sent to a fallback as the options say
         */
        O apply(I input, BlockContext ctx) throws Exception;
    }

    private final Body<I, O> body;

    private Handler(String name, Body<I, O> body, StepOptions<O> options) {
        super("handler", name, options);
        this.body = Objects.requireNonNull(body, "body");
    }

    /**
     * A handler that takes its retry, fallback and timeout settings from the enclosing sequencer.
     *
     * @param name the handler's name, the last segment of its path; non-blank, without
     *     {@code / [ ] #}
     * @param body its logic
     * @param <I> the input type
     * @param <O> the output type
     * @return the handler
     * @throws IllegalArgumentException if the name is unusable
     */
    public static <I, O> Handler<I, O> of(String name, Body<I, O> body) {
        return new Handler<>(name, body, null);
    }

    /**
     * @param options the handler's own retry, fallback and timeout settings, which replace those
     *     of the enclosing sequencer; {@code null} to inherit them again
     * @return a copy with these options
     */
    public Handler<I, O> withOptions(StepOptions<O> options) {
        return new Handler<>(name(), body, options);
    }

    @Override
    public O execute(I input, BlockContext ctx) throws Exception {
        return body.apply(input, ctx);
    }

    @Override
    public String toString() {
        return "Handler[" + name() + "]";
    }
}
