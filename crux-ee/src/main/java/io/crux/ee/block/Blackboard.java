package io.crux.ee.block;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.block.Sequencer.OnLimit;
import io.crux.ee.catalog.Messages;

/**
 * A composite block in which several agents work on a shared, versioned {@link Board}: in each
 * round every agent runs once, in declaration order, as the step
 * {@code <blackboard>/round[i]/<agent>}, reading the board and writing to it (with
 * compare-and-set where it matters); after each round a condition on the board says whether the
 * work is done, and a result function turns the board into the block's output.
 *
 * <pre>{@code
 * Blackboard<Question, Answer> desk = Blackboard.<Question, Answer>named("desk")
 *         .seed((question, board) -> board.put("question", question))
 *         .agent("researcher", (question, board, ctx) -> board.put("notes", library.search(question.text())))
 *         .agent("writer", (question, board, ctx) -> {
 *             long seen = board.version("draft");
 *             board.compareAndSet("draft", seen, writer.write(board.get("notes", Notes.class).orElseThrow()));
 *         })
 *         .until(board -> board.has("draft"))
 *         .maxRounds(3)
 *         .result(board -> new Answer(board.get("draft", String.class).orElseThrow()));
 * }</pre>
 *
 * <p><b>Durability.</b> The board lives in the block's execution, not in the run's request state
 * (which is in memory and not replayed). Each agent's writes are the recorded output of its step
 * (a {@link Board.Posting}); the blackboard applies them to the board after the step, whether the step
 * ran or replayed, so a resumed or recovered run rebuilds exactly the board the agents saw, without
 * running them (or their models) again. The seed, the condition and the result function run again
 * on replay: keep them deterministic functions of the input and the board.
 *
 * <p><b>Bound.</b> After {@link #maxRounds(int)} rounds whose condition still asks for more, the
 * block fails with {@link LoopLimitException} (CRUX0064E), or with {@link OnLimit#RETURN_LAST}
 * returns the result of the board as it is. Without {@link #until(Predicate)} it runs one round.
 *
 * <p>Immutable and thread-safe if its functions are; each execution has a board of its own.
 *
 * @param <I> the input type, which every agent receives
 * @param <O> the output type
 */
public final class Blackboard<I, O> extends NamedBlock<I, O> {

    /** The default bound of {@link #maxRounds(int)}. */
    public static final int DEFAULT_MAX_ROUNDS = 5;

    /**
     * One agent's work on the board.
     *
     * @param <I> the blackboard's input type
     */
    @FunctionalInterface
    public interface Agent<I> {
        /**
         * @param input the blackboard's input
         * @param board the board as the agents before left it; writes go to it
         * @param ctx the agent's step context (a leaf: it may call models, not run blocks)
         * @throws Exception a failure, retried as the options say; the attempt's writes are dropped
         */
        void act(I input, Board board, BlockContext ctx) throws Exception;
    }

    private final Map<String, Agent<? super I>> agents;
    private final BiConsumer<? super I, Board> seed;
    private final Predicate<Board> until;
    private final int maxRounds;
    private final OnLimit onLimit;
    private final Function<Board, ? extends O> result;

    private Blackboard(
            String name,
            Map<String, Agent<? super I>> agents,
            BiConsumer<? super I, Board> seed,
            Predicate<Board> until,
            int maxRounds,
            OnLimit onLimit,
            Function<Board, ? extends O> result,
            StepOptions<O> options) {
        super("blackboard", name, options);
        this.agents = agents;
        this.seed = seed;
        this.until = until;
        this.maxRounds = maxRounds;
        this.onLimit = onLimit;
        this.result = result;
    }

    /**
     * Starts a blackboard with no agents, an empty board, one round and no result function. Give the
     * types as witnesses: {@code Blackboard.<Question, Answer>named("desk")}.
     *
     * @param name the block's name
     * @param <I> the input type
     * @param <O> the output type
     * @return the blackboard; it needs agents and a {@link #result(Function)}
     */
    public static <I, O> Blackboard<I, O> named(String name) {
        return new Blackboard<>(name, Map.of(), (i, b) -> {}, null, DEFAULT_MAX_ROUNDS, OnLimit.FAIL, null, null);
    }

    /**
     * @param name the agent's name, the last segment of its step's path; distinct among the agents
     * @param agent its work
     * @return a copy with the agent added after the others
     * @throws IllegalArgumentException if the name is unusable or taken
     */
    public Blackboard<I, O> agent(String name, Agent<? super I> agent) {
        Names.check("an agent's name", name);
        if (agents.containsKey(name)) {
            throw new IllegalArgumentException("blackboard '" + name() + "' has two agents named '" + name + "'");
        }
        Map<String, Agent<? super I>> more = new LinkedHashMap<>(agents);
        more.put(name, Objects.requireNonNull(agent, "agent"));
        return new Blackboard<>(
                name(), Collections.unmodifiableMap(more), seed, until, maxRounds, onLimit, result, options());
    }

    /**
     * @param seed writes the board's first entries from the input (not recorded: it runs on every replay)
     * @return a copy with this seed
     */
    public Blackboard<I, O> seed(BiConsumer<? super I, Board> seed) {
        return new Blackboard<>(
                name(), agents, Objects.requireNonNull(seed, "seed"), until, maxRounds, onLimit, result, options());
    }

    /**
     * @param until tested on the board after each round; the work is done when it holds
     * @return a copy with this condition
     */
    public Blackboard<I, O> until(Predicate<Board> until) {
        return new Blackboard<>(
                name(), agents, seed, Objects.requireNonNull(until, "until"), maxRounds, onLimit, result, options());
    }

    /**
     * @param maxRounds the most rounds, at least 1
     * @return a copy with this bound
     */
    public Blackboard<I, O> maxRounds(int maxRounds) {
        return new Blackboard<>(
                name(), agents, seed, until, Names.positive("maxRounds", maxRounds), onLimit, result, options());
    }

    /**
     * @param onLimit fail (the default) or return the result of the board as it is at the bound
     * @return a copy
     */
    public Blackboard<I, O> onLimit(OnLimit onLimit) {
        return new Blackboard<>(
                name(), agents, seed, until, maxRounds, Objects.requireNonNull(onLimit, "onLimit"), result, options());
    }

    /**
     * @param result turns the final board into the output
     * @param <R> the output type
     * @return a copy with this result function
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <R> Blackboard<I, R> result(Function<Board, ? extends R> result) {
        return new Blackboard<I, R>(
                name(), agents, seed, until, maxRounds, onLimit, Objects.requireNonNull(result, "result"), (StepOptions)
                        options());
    }

    /**
     * @param options settings inherited by the agents' steps; the fallback applies to the blackboard
     *     as a whole
     * @return a copy with these options
     */
    public Blackboard<I, O> withOptions(StepOptions<O> options) {
        return new Blackboard<>(name(), agents, seed, until, maxRounds, onLimit, result, options);
    }

    /** @return the agents' names in the order they act */
    public List<String> agentNames() {
        return new ArrayList<>(agents.keySet());
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public O execute(I input, BlockContext ctx) {
        if (agents.isEmpty() || result == null) {
            throw new IllegalStateException("blackboard '" + name() + "' needs agent(...) and result(...)");
        }
        Board board = new Board(ctx.path(), Map.of());
        seed.accept(input, board);
        for (int round = 0; ; round++) {
            if (round == maxRounds) {
                if (onLimit == OnLimit.RETURN_LAST) {
                    return result.apply(board);
                }
                throw new LoopLimitException(
                        Messages.loopLimit(ctx.path(), maxRounds, "until " + until + " holds"),
                        ctx.scope().flowId(),
                        ctx.path(),
                        maxRounds);
            }
            BlockContext roundCtx = ctx.under("round[" + round + "]");
            for (Map.Entry<String, Agent<? super I>> a : agents.entrySet()) {
                Agent<? super I> agent = a.getValue();
                Board.Posting posting = roundCtx.run(
                        Handler.<I, Board.Posting>of(a.getKey(), (in, c) -> {
                            Board own = board.forAgent(c.path());
                            agent.act(in, own, c);
                            return own.posting();
                        }),
                        input);
                board.apply(posting);
            }
            if (until == null || until.test(board)) {
                return result.apply(board);
            }
        }
    }

    @Override
    public String toString() {
        return "Blackboard[" + name() + ", " + agents.keySet() + ", maxRounds=" + maxRounds + "]";
    }
}
