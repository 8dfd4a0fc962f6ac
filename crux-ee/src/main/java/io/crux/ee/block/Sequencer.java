package io.crux.ee.block;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.Rescued;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.catalog.Messages;

/**
 * A composite block that chains other blocks: each operation takes the output of the one before.
 * Build one with the type-safe builder from {@link #named(String)}; a sequencer is itself a block,
 * so sequencers nest.
 *
 * <pre>{@code
 * Sequencer<Question, Answer> chat = Sequencer.<Question>named("chat")
 *         .then(plan)                                             // chat/plan
 *         .thenIf(Plan::needsSearch, refinePlan)                  // chat/refine-plan, or skipped
 *         .map("sources", Plan::sources, 4, summarize)            // chat/sources[0]/summarize ...
 *         .then(Handler.of("draft", (summaries, ctx) -> Draft.of(summaries)))
 *         .doUntil("polish", polish, Draft::isGood, 3)           // chat/polish[0]/polish ...
 *         .then(answer)                                           // chat/answer
 *         .rescue(SearchDownException.class, apologize)           // chat/apologize if anything failed so
 *         .build()
 *         .withOptions(StepOptions.retry(3, Duration.ofMillis(100), Backoff.EXPONENTIAL));
 * }</pre>
 *
 * <p><b>Paths.</b> Every block runs under the sequencer's path: a child of {@code then} at
 * {@code <sequencer>/<child>}, the iterations of a loop at {@code <sequencer>/<loop>[i]/<child>},
 * the items of a map at {@code <sequencer>/<map>[i]/<child>}, the branches of a parallel
 * operation at {@code <sequencer>/<parallel>[<branch>]/<child>}. Leaves (handlers, generators) are
 * durable steps labelled with their path: a replayed run returns their recorded outputs.
 *
 * <p><b>Determinism.</b> Conditions, loop tests and item lists run again whenever the run's body is
 * replayed. Base them on the value they receive, which comes from children that replay from their
 * checkpoints, not on clocks, random numbers or I/O.
 *
 * <p><b>Options.</b> The sequencer's {@linkplain #withOptions options} are inherited by every
 * child that has no options of its own (a child's options replace them entirely): attempts,
 * delays, backoff, timeout and the retry predicate apply to each leaf step. The fallback is not
 * inherited: it applies to the sequencer as a whole, and its value is recorded under the
 * sequencer's path.
 *
 * <p>Immutable and thread-safe; the builder is immutable too, so a partial chain may be shared.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Sequencer<I, O> extends NamedBlock<I, O> {

    /** What a loop does when it reaches its maximum number of iterations and its condition asks for more. */
    public enum OnLimit {
        /** Fail with a {@link LoopLimitException} (CRUX0064E). */
        FAIL,
        /** End the loop and continue with the last iteration's output. */
        RETURN_LAST
    }

    /**
     * A named branch of a parallel operation, and the handle to read its output from the
     * {@link Results}.
     *
     * @param name the branch's name, which appears in paths as {@code <parallel>[<name>]}
     * @param block the block the branch runs
     * @param outputType the output type to convert a stored output to, or {@code null}
     * @param <X> the branch's input type
     * @param <T> the branch's output type
     */
    public record Branch<X, T>(String name, Block<X, T> block, Class<T> outputType) {

        /**
         * @throws IllegalArgumentException if the name is unusable
         * @throws NullPointerException if the block is null
         */
        public Branch {
            Names.check("a branch name", name);
            Objects.requireNonNull(block, "block");
        }
    }

    /**
     * @param name the branch's name
     * @param block the block it runs
     * @param <X> its input type
     * @param <T> its output type
     * @return the branch
     */
    public static <X, T> Branch<X, T> branch(String name, Block<X, T> block) {
        return new Branch<>(name, block, null);
    }

    /**
     * @param name the branch's name
     * @param block the block it runs
     * @param outputType its output type, to convert an output that went through storage
     * @param <X> its input type
     * @param <T> its output type
     * @return the branch
     */
    public static <X, T> Branch<X, T> branch(String name, Block<X, T> block, Class<T> outputType) {
        return new Branch<>(name, block, outputType);
    }

    /** One operation: takes the value so far (and the sequencer's input), returns the next value. */
    @FunctionalInterface
    private interface Stage {
        Object run(Object value, Object input, BlockContext ctx);
    }

    private final List<Stage> stages;

    private Sequencer(String name, List<Stage> stages, StepOptions<O> options) {
        super("sequencer", name, options);
        this.stages = stages;
    }

    /**
     * Starts a sequencer whose input type is given by a type witness:
     * {@code Sequencer.<Question>named("chat")}.
     *
     * @param name the sequencer's name, the first segment of its children's paths
     * @param <I> the input type
     * @return a builder whose value so far is the input
     * @throws IllegalArgumentException if the name is unusable
     */
    public static <I> Builder<I, I> named(String name) {
        return new Builder<>(Names.check("a sequencer's name", name), List.of());
    }

    /**
     * @param name the sequencer's name
     * @param inputType the input type
     * @param <I> the input type
     * @return a builder whose value so far is the input
     */
    public static <I> Builder<I, I> named(String name, Class<I> inputType) {
        Objects.requireNonNull(inputType, "inputType");
        return named(name);
    }

    /**
     * @param options settings inherited by children without options of their own; the fallback
     *     applies to the sequencer as a whole; {@code null} to inherit from the enclosing block
     * @return a copy with these options
     */
    public Sequencer<I, O> withOptions(StepOptions<O> options) {
        return new Sequencer<>(name(), stages, options);
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public O execute(I input, BlockContext ctx) {
        Object value = input;
        for (Stage stage : stages) {
            value = stage.run(value, input, ctx);
        }
        @SuppressWarnings("unchecked")
        O output = (O) value;
        return output;
    }

    @Override
    public String toString() {
        return "Sequencer[" + name() + ", " + stages.size() + " operation(s)]";
    }

    @SuppressWarnings("unchecked")
    private static <X, Y> Y run(BlockContext ctx, Block<X, Y> block, Object value) {
        return ctx.run(block, (X) value);
    }

    /**
     * The type-safe builder of a sequencer. Each operation returns a new builder whose type
     * parameter {@code O} is the type of the value so far.
     *
     * @param <I> the sequencer's input type
     * @param <O> the type of the value so far
     */
    public static final class Builder<I, O> {

        private final String name;
        private final List<Stage> stages;

        private Builder(String name, List<Stage> stages) {
            this.name = name;
            this.stages = stages;
        }

        private <N> Builder<I, N> with(Stage stage) {
            List<Stage> next = new ArrayList<>(stages);
            next.add(stage);
            return new Builder<>(name, List.copyOf(next));
        }

        /**
         * Runs a block on the value so far; its output becomes the value.
         *
         * @param block the block, at {@code <sequencer>/<block>}
         * @param <N> its output type
         * @return the builder
         */
        public <N> Builder<I, N> then(Block<? super O, N> block) {
            Objects.requireNonNull(block, "block");
            return with((value, input, ctx) -> run(ctx, block, value));
        }

        /**
         * Runs a block only when the condition holds for the value so far; otherwise the value
         * passes on unchanged.
         *
         * @param condition decides on the value so far; deterministic
         * @param block the block, at {@code <sequencer>/<block>}
         * @return the builder
         */
        public Builder<I, O> thenIf(Predicate<? super O> condition, Block<? super O, ? extends O> block) {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(block, "block");
            return with((value, input, ctx) -> test(condition, value) ? run(ctx, block, value) : value);
        }

        /**
         * Runs one of two blocks, chosen by a condition on the value so far.
         *
         * @param condition decides on the value so far; deterministic
         * @param ifTrue the block when it holds, at {@code <sequencer>/<block>}
         * @param ifFalse the block otherwise, at {@code <sequencer>/<block>}
         * @param <N> the blocks' output type
         * @return the builder
         */
        public <N> Builder<I, N> branch(
                Predicate<? super O> condition, Block<? super O, N> ifTrue, Block<? super O, N> ifFalse) {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(ifTrue, "ifTrue");
            Objects.requireNonNull(ifFalse, "ifFalse");
            return with(
                    (value, input, ctx) -> test(condition, value) ? run(ctx, ifTrue, value) : run(ctx, ifFalse, value));
        }

        /**
         * Runs several blocks on the value so far at the same time, at most {@code limit} at once, and
         * continues with their outputs by branch name. When a branch fails no further branch
         * starts, and the failure of the first failed branch (in declaration order) ends the
         * operation once the running branches have finished.
         *
         * @param name the operation's name; branch {@code b} runs at {@code <sequencer>/<name>[b]/<block>}
         * @param limit the most branches that run at once, at least 1
         * @param branches the branches, with distinct names
         * @return the builder, whose value is the {@link Results}
         * @throws IllegalArgumentException if a name is unusable, the limit is below 1, there is no
         *     branch or two branches share a name
         */
        @SafeVarargs
        public final Builder<I, Results> parallel(String name, int limit, Branch<? super O, ?>... branches) {
            Names.check("a parallel operation's name", name);
            Names.positive("the concurrency limit", limit);
            List<Branch<? super O, ?>> list = List.of(branches);
            if (list.isEmpty()) {
                throw new IllegalArgumentException("parallel '" + name + "' needs at least one branch");
            }
            List<String> segments = new ArrayList<>();
            for (Branch<? super O, ?> b : list) {
                String segment = name + "[" + b.name() + "]";
                if (segments.contains(segment)) {
                    throw new IllegalArgumentException(
                            "parallel '" + name + "' has two branches named '" + b.name() + "'");
                }
                segments.add(segment);
            }
            List<String> fixed = List.copyOf(segments);
            return with((value, input, ctx) -> {
                List<Object> outputs = ctx.fork(
                        fixed,
                        limit,
                        (branchCtx, i) -> run(branchCtx, list.get(i).block(), value));
                Map<String, Object> named = new LinkedHashMap<>();
                for (int i = 0; i < list.size(); i++) {
                    named.put(list.get(i).name(), outputs.get(i));
                }
                return new Results(named);
            });
        }

        /**
         * Runs a block on every element of a list derived from the value so far, at most
         * {@code limit} at once, and continues with the outputs in the list's order. With a limit of
         * 1 the elements run one after the other.
         *
         * @param name the operation's name; element {@code i} runs at {@code <sequencer>/<name>[i]/<block>}
         * @param items derives the list from the value so far; deterministic
         * @param limit the most elements that run at once, at least 1
         * @param block the block for one element
         * @param <X> the element type
         * @param <Y> the block's output type
         * @return the builder, whose value is the list of outputs
         */
        public <X, Y> Builder<I, List<Y>> map(
                String name,
                Function<? super O, ? extends List<? extends X>> items,
                int limit,
                Block<? super X, Y> block) {
            Names.check("a map operation's name", name);
            Names.positive("the concurrency limit", limit);
            Objects.requireNonNull(items, "items");
            Objects.requireNonNull(block, "block");
            return with((value, input, ctx) -> mapAll(ctx, name, items, limit, block, value));
        }

        /**
         * Runs a block on every element of a list derived from the value so far, at most
         * {@code limit} at once, for its effects; the value so far passes on unchanged.
         *
         * @param name the operation's name; element {@code i} runs at {@code <sequencer>/<name>[i]/<block>}
         * @param items derives the list from the value so far; deterministic
         * @param limit the most elements that run at once, at least 1
         * @param block the block for one element
         * @param <X> the element type
         * @return the builder
         */
        public <X> Builder<I, O> forEach(
                String name,
                Function<? super O, ? extends List<? extends X>> items,
                int limit,
                Block<? super X, ?> block) {
            Names.check("a forEach operation's name", name);
            Names.positive("the concurrency limit", limit);
            Objects.requireNonNull(items, "items");
            Objects.requireNonNull(block, "block");
            return with((value, input, ctx) -> {
                mapAll(ctx, name, items, limit, block, value);
                return value;
            });
        }

        /**
         * Runs a block repeatedly, each time on the previous output, until the condition holds for
         * an output; the body runs at least once. The loop is always bounded: when
         * {@code maxIterations} iterations ran and the condition still does not hold, it fails with
         * a {@link LoopLimitException} (CRUX0064E).
         *
         * @param name the loop's name; iteration {@code i} runs at {@code <sequencer>/<name>[i]/<block>}
         * @param body the block of one iteration
         * @param until the condition that ends the loop, tested after each iteration; deterministic
         * @param maxIterations the most iterations, at least 1
         * @return the builder
         */
        public Builder<I, O> doUntil(
                String name, Block<? super O, ? extends O> body, Predicate<? super O> until, int maxIterations) {
            return doUntil(name, body, until, maxIterations, OnLimit.FAIL);
        }

        /**
         * As {@link #doUntil(String, Block, Predicate, int)}, with a choice of what happens at the bound.
         *
         * @param name the loop's name
         * @param body the block of one iteration
         * @param until the condition that ends the loop, tested after each iteration
         * @param maxIterations the most iterations, at least 1
         * @param onLimit fail, or continue with the last output, when the bound is reached
         * @return the builder
         */
        public Builder<I, O> doUntil(
                String name,
                Block<? super O, ? extends O> body,
                Predicate<? super O> until,
                int maxIterations,
                OnLimit onLimit) {
            Objects.requireNonNull(until, "until");
            return loop(name, body, value -> !test(until, value), maxIterations, onLimit, "until " + until + " holds");
        }

        /**
         * Runs a block repeatedly, each time on the previous output, as long as the condition holds
         * for the output; the body runs at least once. The loop is always bounded: when
         * {@code maxIterations} iterations ran and the condition still holds, it fails with a
         * {@link LoopLimitException} (CRUX0064E).
         *
         * @param name the loop's name; iteration {@code i} runs at {@code <sequencer>/<name>[i]/<block>}
         * @param body the block of one iteration
         * @param condition the condition to go on, tested after each iteration; deterministic
         * @param maxIterations the most iterations, at least 1
         * @return the builder
         */
        public Builder<I, O> doWhile(
                String name, Block<? super O, ? extends O> body, Predicate<? super O> condition, int maxIterations) {
            return doWhile(name, body, condition, maxIterations, OnLimit.FAIL);
        }

        /**
         * As {@link #doWhile(String, Block, Predicate, int)}, with a choice of what happens at the bound.
         *
         * @param name the loop's name
         * @param body the block of one iteration
         * @param condition the condition to go on, tested after each iteration
         * @param maxIterations the most iterations, at least 1
         * @param onLimit fail, or continue with the last output, when the bound is reached
         * @return the builder
         */
        public Builder<I, O> doWhile(
                String name,
                Block<? super O, ? extends O> body,
                Predicate<? super O> condition,
                int maxIterations,
                OnLimit onLimit) {
            Objects.requireNonNull(condition, "condition");
            return loop(
                    name,
                    body,
                    value -> test(condition, value),
                    maxIterations,
                    onLimit,
                    "while " + condition + " holds");
        }

        private Builder<I, O> loop(
                String name,
                Block<? super O, ? extends O> body,
                Predicate<Object> again,
                int maxIterations,
                OnLimit onLimit,
                String condition) {
            Names.check("a loop's name", name);
            Names.positive("the maximum number of iterations", maxIterations);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(onLimit, "onLimit");
            return with((value, input, ctx) -> {
                Object current = value;
                for (int i = 0; i < maxIterations; i++) {
                    current = run(ctx.under(name + "[" + i + "]"), body, current);
                    if (!again.test(current)) {
                        return current;
                    }
                }
                if (onLimit == OnLimit.RETURN_LAST) {
                    return current;
                }
                String path = ctx.path() + "/" + name;
                throw new LoopLimitException(
                        Messages.loopLimit(path, maxIterations, condition),
                        ctx.scope().flowId(),
                        path,
                        maxIterations);
            });
        }

        /**
         * Protects every operation added so far: when one of them fails with a failure of the given
         * type (anywhere in its cause chain; a failed step arrives as a
         * {@link io.crux.ee.api.exception.StepFailedException} whose cause is the step's failure),
         * the recovery block runs with the sequencer's input and the failure, and its output becomes
         * the value so far. The recovered output is recorded, so a replayed run does not run the
         * failed operations again. Suspensions, retry waits and cancellation are never rescued.
         *
         * @param type the failure type to recover from
         * @param recovery the block that recovers, at {@code <sequencer>/<recovery>}
         * @return the builder
         */
        public Builder<I, O> rescue(Class<? extends Throwable> type, Block<Rescued<I>, O> recovery) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(recovery, "recovery");
            List<Stage> protectedStages = stages;
            Stage guarded = (value, input, ctx) -> ctx.rescue(
                    () -> {
                        Object current = value;
                        for (Stage stage : protectedStages) {
                            current = stage.run(current, input, ctx);
                        }
                        return current;
                    },
                    failure -> new Rescued<>(input, failure).cause(type) != null,
                    erase(recovery),
                    input);
            return new Builder<>(name, List.of(guarded));
        }

        /**
         * @return the sequencer, without options of its own
         * @throws IllegalStateException if no operation was added
         */
        public Sequencer<I, O> build() {
            if (stages.isEmpty()) {
                throw new IllegalStateException("sequencer '" + name + "' has no operation; add one with then(...)");
            }
            return new Sequencer<>(name, stages, null);
        }

        @SuppressWarnings("unchecked")
        private static Block<Rescued<Object>, Object> erase(Block<?, ?> block) {
            return (Block<Rescued<Object>, Object>) block;
        }

        @SuppressWarnings("unchecked")
        private static <X> boolean test(Predicate<? super X> condition, Object value) {
            return condition.test((X) value);
        }

        @SuppressWarnings("unchecked")
        private static List<Object> mapAll(
                BlockContext ctx,
                String name,
                Function<?, ? extends List<?>> items,
                int limit,
                Block<?, ?> block,
                Object value) {
            List<?> elements = ((Function<Object, ? extends List<?>>) items).apply(value);
            if (elements == null || elements.isEmpty()) {
                return List.of();
            }
            List<String> segments = new ArrayList<>(elements.size());
            for (int i = 0; i < elements.size(); i++) {
                segments.add(name + "[" + i + "]");
            }
            return ctx.fork(segments, limit, (itemCtx, i) -> run(itemCtx, block, elements.get(i)));
        }
    }
}
