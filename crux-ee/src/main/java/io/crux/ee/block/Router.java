package io.crux.ee.block;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;
import io.crux.ee.catalog.Messages;

/**
 * A composite block that chooses, among declared candidates, the block to run on its input. The
 * choice is made by a decision function that runs as a durable step at
 * {@code <router>/decide} and records the chosen candidate's name: a replayed or recovered run takes
 * the recorded branch without calling the decision function again, even if what it looked at has
 * changed since. The chosen candidate runs at {@code <router>/<candidate>}.
 *
 * <pre>{@code
 * Router<Question, Answer> route = Router.of("route", List.of(search, smallTalk),
 *         (question, ctx) -> question.text().endsWith("?") ? search : smallTalk);
 * }</pre>
 *
 * <p>The decision function may do I/O (call a classifier model through {@code ctx.service(...)}, read
 * state): it runs once per run, with the router's (or the enclosing sequencer's) retry settings.
 * It may not run blocks. Its answer must be one of the candidates; otherwise the decision step
 * fails with CRUX0063E.
 *
 * <p>Immutable and thread-safe if the decision function is.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
public final class Router<I, O> extends NamedBlock<I, O> {

    /** The name of the decision step under the router's path; no candidate may have it. */
    public static final String DECISION = "decide";

    /**
     * Chooses the block to run.
     *
     * @param <I> the router's input type
     * @param <O> the router's output type
     */
    @FunctionalInterface
    public interface Decision<I, O> {
        /**
         * @param input the router's input
         * @param ctx the decision step's context (a leaf: it cannot run blocks)
         * @return one of the router's candidates
         * @throws Exception a failure, retried as the options say
         */
        Block<? super I, ? extends O> choose(I input, BlockContext ctx) throws Exception;
    }

    private final Map<String, Block<? super I, ? extends O>> candidates;
    private final Decision<I, O> decision;

    private Router(
            String name,
            Map<String, Block<? super I, ? extends O>> candidates,
            Decision<I, O> decision,
            StepOptions<O> options) {
        super("router", name, options);
        this.candidates = candidates;
        this.decision = decision;
    }

    /**
     * @param name the router's name
     * @param candidates the blocks it may choose, with distinct names other than {@value #DECISION}
     * @param decision chooses one of them
     * @param <I> the input type
     * @param <O> the output type
     * @return the router
     * @throws IllegalArgumentException if a name is unusable, there is no candidate or two share a name
     */
    public static <I, O> Router<I, O> of(
            String name, List<? extends Block<? super I, ? extends O>> candidates, Decision<I, O> decision) {
        Names.check("a router's name", name);
        Objects.requireNonNull(decision, "decision");
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("router '" + name + "' needs at least one candidate");
        }
        Map<String, Block<? super I, ? extends O>> byName = new LinkedHashMap<>();
        for (Block<? super I, ? extends O> c : candidates) {
            String n = Names.check(
                    "a router candidate's name",
                    Objects.requireNonNull(c, "candidate").name());
            if (n.equals(DECISION)) {
                throw new IllegalArgumentException("router '" + name + "' has a candidate named '" + DECISION
                        + "', the name of its decision step; rename the candidate");
            }
            if (byName.putIfAbsent(n, c) != null) {
                throw new IllegalArgumentException("router '" + name + "' has two candidates named '" + n + "'");
            }
        }
        return new Router<>(name, java.util.Collections.unmodifiableMap(byName), decision, null);
    }

    /**
     * @param options settings inherited by the decision step and the candidates that have none of
     *     their own; the fallback applies to the router as a whole
     * @return a copy with these options
     */
    public Router<I, O> withOptions(StepOptions<O> options) {
        return new Router<>(name(), candidates, decision, options);
    }

    /** @return the candidates' names in declaration order */
    public List<String> candidates() {
        return new ArrayList<>(candidates.keySet());
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public O execute(I input, BlockContext ctx) {
        String chosen = ctx.run(
                Handler.<I, String>of(DECISION, (in, decisionCtx) -> {
                    Block<? super I, ? extends O> block = decision.choose(in, decisionCtx);
                    if (block == null || !candidates.containsKey(block.name())) {
                        throw new IllegalStateException(Messages.routerChoiceUnknown(
                                ctx.path(), block == null ? "null" : block.name(), candidates.keySet()));
                    }
                    return block.name();
                }),
                input);
        Block<? super I, ? extends O> block = candidates.get(chosen);
        if (block == null) {
            // the recorded choice names a candidate this version of the code no longer has
            throw new IllegalStateException(Messages.routerChoiceUnknown(ctx.path(), chosen, candidates.keySet()));
        }
        return run(ctx, block, input);
    }

    @SuppressWarnings("unchecked")
    private static <X, Y, O> O run(BlockContext ctx, Block<X, Y> block, Object input) {
        return (O) ctx.run(block, (X) input);
    }

    @Override
    public String toString() {
        return "Router[" + name() + ", " + candidates.keySet() + "]";
    }
}
