package io.crux.ee.block;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import io.crux.ee.api.Block;
import io.crux.ee.api.BlockContext;
import io.crux.ee.api.StepOptions;
import io.crux.ee.api.exception.LoopLimitException;
import io.crux.ee.block.Sequencer.OnLimit;
import io.crux.ee.catalog.Messages;

/**
 * A composite block of named agents that take turns on a shared state: before each turn a chooser
 * picks the next agent among them, or finishes. Turn {@code i} records the pick as the step
 * {@code <swarm>/turn[i]/pick} and runs the picked agent at {@code <swarm>/turn[i]/<agent>}, on
 * the state the previous agent returned (the context so far); a replayed or recovered run takes the
 * recorded picks and outputs without calling the chooser or the agents again.
 *
 * <pre>{@code
 * Swarm<Case> desk = Swarm.<Case>named("desk")
 *         .agents(triage, billing, refunds)                  // blocks Case -> Case
 *         .chooser((turn, ctx) -> turn.state().resolved()
 *                 ? Swarm.Pick.finish("resolved")
 *                 : Swarm.Pick.of(turn.state().department()))
 *         .maxTurns(5);
 * }</pre>
 *
 * <p><b>Choosers.</b> A chooser may be plain code, a model (crux-ee-langchain4j's
 * {@code Agents.chooser(generator)} asks a generator for a {@link Pick}), or a <b>handoff</b>:
 * {@link Chooser#handoff(String, Function)} starts with one agent and then passes control to the
 * agent that the previous agent named in its output (for example a structured reply with a
 * {@code handoffTo} field), until one names none. Whatever it is, the chooser runs inside the pick
 * step: it may do I/O and call a model, with the swarm's retry settings, and runs once per turn per run.
 *
 * <p><b>Bound.</b> After {@link #maxTurns(int)} agent turns the chooser is asked once more; if it
 * still picks an agent the swarm fails with {@link LoopLimitException} (CRUX0252E), or, with
 * {@link OnLimit#RETURN_LAST}, ends with the last state. A pick of a name that is not an agent fails
 * the pick step with CRUX0253E.
 *
 * <p>Immutable and thread-safe if the agents and the chooser are.
 *
 * @param <S> the state the agents pass on: input and output of every agent and of the swarm
 */
public final class Swarm<S> extends NamedBlock<S, S> {

    /** The name of the pick step in each turn; no agent may have it. */
    public static final String PICK = "pick";

    /** The default bound of {@link #maxTurns(int)}. */
    public static final int DEFAULT_MAX_TURNS = 10;

    /**
     * A chooser's answer, recorded as the output of the pick step.
     *
     * @param agent the next agent's name, or {@code null} to finish
     * @param reason why, for the devtools timeline and the model's own record; may be {@code null}
     */
    public record Pick(String agent, String reason) {

        /**
         * @param agent the next agent
         * @return a pick of that agent
         */
        public static Pick of(String agent) {
            return new Pick(Objects.requireNonNull(agent, "agent"), null);
        }

        /**
         * @param reason why the swarm is done
         * @return the end of the swarm
         */
        public static Pick finish(String reason) {
            return new Pick(null, reason);
        }

        /** @return whether this pick ends the swarm */
        public boolean finished() {
            return agent == null || agent.isBlank();
        }
    }

    /**
     * What a chooser sees before turn {@code index}.
     *
     * @param index the turn about to start, from 0
     * @param state the state so far: the swarm's input, then the last agent's output
     * @param history the agents that ran so far, in order
     * @param agents the names of all agents
     * @param <S> the state type
     */
    public record Turn<S>(int index, S state, List<String> history, List<String> agents) {}

    /**
     * Picks the next agent.
     *
     * @param <S> the state type
     */
    @FunctionalInterface
    public interface Chooser<S> {

        /**
         * @param turn the state so far and who has run
         * @param ctx the pick step's context (a leaf: it cannot run blocks)
         * @return the next agent, or {@link Pick#finish(String)}
         * @throws Exception a failure, retried as the swarm's options say
         */
        Pick choose(Turn<S> turn, BlockContext ctx) throws Exception;

        /**
         * A handoff: the first turn goes to {@code first}, and each later turn to the agent that the
         * previous agent's output names; a {@code null} or blank name finishes.
         *
         * @param first the agent that starts
         * @param target reads the next agent's name from the state an agent returned
         * @param <S> the state type
         * @return the chooser
         */
        static <S> Chooser<S> handoff(String first, Function<? super S, String> target) {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(target, "target");
            return (turn, ctx) -> {
                if (turn.index() == 0) {
                    return new Pick(first, "start");
                }
                String next = target.apply(turn.state());
                return next == null || next.isBlank()
                        ? Pick.finish(turn.history().get(turn.history().size() - 1) + " handed off to no one")
                        : new Pick(
                                next,
                                "handoff from "
                                        + turn.history().get(turn.history().size() - 1));
            };
        }
    }

    private final Map<String, Block<S, S>> agents;
    private final Chooser<S> chooser;
    private final int maxTurns;
    private final OnLimit onLimit;

    private Swarm(
            String name,
            Map<String, Block<S, S>> agents,
            Chooser<S> chooser,
            int maxTurns,
            OnLimit onLimit,
            StepOptions<S> options) {
        super("swarm", name, options);
        this.agents = agents;
        this.chooser = chooser;
        this.maxTurns = maxTurns;
        this.onLimit = onLimit;
    }

    /**
     * Starts a swarm with no agents, no chooser, at most {@value #DEFAULT_MAX_TURNS} turns, failing at
     * the bound. Give the state type as a witness: {@code Swarm.<Case>named("desk")}.
     *
     * @param name the block's name
     * @param <S> the state type
     * @return the swarm; it needs {@link #agents} and a {@link #chooser}
     */
    public static <S> Swarm<S> named(String name) {
        return new Swarm<>(name, Map.of(), null, DEFAULT_MAX_TURNS, OnLimit.FAIL, null);
    }

    /**
     * @param agents the agents, with distinct names other than {@value #PICK}
     * @return a copy with these agents (replacing any given before)
     * @throws IllegalArgumentException if there is none, or a name is unusable or repeated
     */
    @SafeVarargs
    public final Swarm<S> agents(Block<S, S>... agents) {
        if (agents.length == 0) {
            throw new IllegalArgumentException("swarm '" + name() + "' needs at least one agent");
        }
        Map<String, Block<S, S>> byName = new LinkedHashMap<>();
        for (Block<S, S> a : agents) {
            String n = Names.check(
                    "an agent's name", Objects.requireNonNull(a, "agent").name());
            if (n.equals(PICK) || byName.putIfAbsent(n, a) != null) {
                throw new IllegalArgumentException("swarm '" + name() + "' has an agent named '" + n
                        + "', which is taken (agents need distinct names other than '" + PICK + "')");
            }
        }
        return new Swarm<>(name(), Collections.unmodifiableMap(byName), chooser, maxTurns, onLimit, options());
    }

    /**
     * @param chooser picks the agent of each turn
     * @return a copy with this chooser
     */
    public Swarm<S> chooser(Chooser<S> chooser) {
        return new Swarm<>(name(), agents, Objects.requireNonNull(chooser, "chooser"), maxTurns, onLimit, options());
    }

    /**
     * @param maxTurns the most agent turns, at least 1
     * @return a copy with this bound
     */
    public Swarm<S> maxTurns(int maxTurns) {
        return new Swarm<>(name(), agents, chooser, Names.positive("maxTurns", maxTurns), onLimit, options());
    }

    /**
     * @param onLimit fail (the default) or end with the last state when the bound is reached
     * @return a copy
     */
    public Swarm<S> onLimit(OnLimit onLimit) {
        return new Swarm<>(name(), agents, chooser, maxTurns, Objects.requireNonNull(onLimit, "onLimit"), options());
    }

    /**
     * @param options settings inherited by the pick steps and the agents that have none of their
     *     own; the fallback applies to the swarm as a whole
     * @return a copy with these options
     */
    public Swarm<S> withOptions(StepOptions<S> options) {
        return new Swarm<>(name(), agents, chooser, maxTurns, onLimit, options);
    }

    /** @return the agents' names in declaration order */
    public List<String> agentNames() {
        return new ArrayList<>(agents.keySet());
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public S execute(S input, BlockContext ctx) {
        if (agents.isEmpty() || chooser == null) {
            throw new IllegalStateException("swarm '" + name() + "' needs agents(...) and a chooser(...)");
        }
        List<String> names = List.copyOf(agents.keySet());
        List<String> history = new ArrayList<>();
        S state = input;
        for (int i = 0; ; i++) {
            BlockContext turnCtx = ctx.under("turn[" + i + "]");
            Turn<S> turn = new Turn<>(i, state, List.copyOf(history), names);
            Pick pick = turnCtx.run(
                    Handler.<S, Pick>of(PICK, (s, c) -> {
                        Pick p = Objects.requireNonNull(chooser.choose(turn, c), "the chooser's pick");
                        if (!p.finished() && !agents.containsKey(p.agent())) {
                            throw new IllegalStateException(Messages.swarmUnknownAgent(ctx.path(), p.agent(), names));
                        }
                        return p;
                    }),
                    state);
            if (pick.finished()) {
                return state;
            }
            if (i == maxTurns) {
                if (onLimit == OnLimit.RETURN_LAST) {
                    return state;
                }
                throw new LoopLimitException(
                        Messages.swarmLimit(ctx.path(), maxTurns, pick.agent()),
                        ctx.scope().flowId(),
                        ctx.path(),
                        i);
            }
            Block<S, S> agent = agents.get(pick.agent());
            if (agent == null) {
                // a recorded pick of an agent this version of the code no longer has
                throw new IllegalStateException(Messages.swarmUnknownAgent(ctx.path(), pick.agent(), names));
            }
            state = turnCtx.run(agent, state);
            history.add(pick.agent());
        }
    }

    @Override
    public String toString() {
        return "Swarm[" + name() + ", " + agents.keySet() + ", maxTurns=" + maxTurns + "]";
    }
}
