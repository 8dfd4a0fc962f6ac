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
import io.crux.ee.api.exception.NoConsensusException;
import io.crux.ee.catalog.Messages;

/**
 * A composite block in which several voters (generators, handlers, any blocks) answer the same
 * input and a rule decides among their answers. Each voter runs as a child at
 * {@code <consensus>/<voter>}, one after the other in declaration order; the rule's decision and
 * the tally of the votes are recorded as the step {@code <consensus>/tally}, so a replayed or
 * recovered run returns the same answer without asking the voters (or the rule) again. The output
 * is the answer of the first voter that voted for the decided option.
 *
 * <pre>{@code
 * Consensus<Draft, Review> review = Consensus.<Draft, Review>named("review")
 *         .voters(accuracyReviewer, clarityReviewer, styleReviewer)   // generators with output(Review.class)
 *         .key(Review::verdict)                                       // what counts as the same vote
 *         .rule(Consensus.Rule.majority())
 *         .onTie(Consensus.TieBreak.FIRST_VOTE);
 * }</pre>
 *
 * <p><b>Options and votes.</b> Votes are compared by their key, {@code String.valueOf(answer)} unless
 * {@link #key(Function)} says otherwise (a record's {@code toString} compares all its fields).
 *
 * <p><b>Rules.</b> {@link Rule#majority()}: an option with more than half of all votes;
 * {@link Rule#plurality()}: the option with the most votes; {@link Rule#unanimous()}: every voter
 * agrees; {@link Rule#firstTo(int)}: the first option to reach {@code k} votes, and the voters after
 * that point do not run; {@link Rule#of(String, Rule)}: a function of your own over the votes.
 *
 * <p><b>Ties and no decision.</b> When the options with the most votes share the top (majority,
 * plurality, first-to-k when the voters ran out), the outcome is {@link Outcome#TIE}: with
 * {@link TieBreak#FAIL} (the default) the block fails with {@link NoConsensusException}
 * (CRUX0250E); with {@link TieBreak#FIRST_VOTE} the tied option voted for first wins. When no option
 * has the support the rule asks for (a majority of 2 against 1 against 1, a split unanimous vote),
 * the outcome is {@link Outcome#NONE} and the block fails with CRUX0251E. Either way the tally is
 * recorded first, so a replay fails the same way without calling the voters again; rescue the
 * failure with a sequencer's {@code rescue} to go on.
 *
 * <p>Immutable and thread-safe if the voters, key and rule are.
 *
 * @param <I> the input type
 * @param <V> the voters' (and the block's) output type
 */
public final class Consensus<I, V> extends NamedBlock<I, V> {

    /** The name of the tally step under the consensus's path; no voter may have it. */
    public static final String TALLY = "tally";

    /** What a rule made of the votes. */
    public enum Outcome {
        /** One option won. */
        DECIDED,
        /** Options share the top. */
        TIE,
        /** No option has the support the rule asks for. */
        NONE
    }

    /** What settles a tie. */
    public enum TieBreak {
        /** Fail with {@link NoConsensusException} (CRUX0250E). */
        FAIL,
        /** The tied option that was voted for first (in voter order) wins. */
        FIRST_VOTE
    }

    /**
     * One voter's answer.
     *
     * @param voter the voter's name
     * @param key the option it voted for
     */
    public record Vote(String voter, String key) {}

    /**
     * A rule's answer.
     *
     * @param outcome decided, tie or none
     * @param option the winning option when decided, else {@code null}
     * @param tied the options sharing the top in a tie, else empty
     */
    public record Decision(Outcome outcome, String option, List<String> tied) {

        /** Checks the fields agree with the outcome. */
        public Decision {
            Objects.requireNonNull(outcome, "outcome");
            tied = tied == null ? List.of() : List.copyOf(tied);
            if ((outcome == Outcome.DECIDED) != (option != null)) {
                throw new IllegalArgumentException("a decision has an option exactly when it is DECIDED: " + outcome);
            }
        }

        /**
         * @param option the winning option
         * @return a decision for it
         */
        public static Decision of(String option) {
            return new Decision(Outcome.DECIDED, Objects.requireNonNull(option, "option"), List.of());
        }

        /**
         * @param tied the options that share the top
         * @return a tie
         */
        public static Decision tie(List<String> tied) {
            return new Decision(Outcome.TIE, null, tied);
        }

        /** @return no decision */
        public static Decision none() {
            return new Decision(Outcome.NONE, null, List.of());
        }
    }

    /**
     * The votes one option received.
     *
     * @param option the option
     * @param votes how many voters voted for it
     */
    public record Count(String option, int votes) {}

    /**
     * The record of the step {@code <consensus>/tally}.
     *
     * @param rule the rule's name
     * @param votes the votes in voter order (voters after an early decision have none)
     * @param counts votes per option, in the order the options were first voted for
     * @param outcome what the rule decided
     * @param decision the winning option (after a tie-break too), or {@code null}
     * @param tied the options tied at the top, or empty
     */
    public record Tally(
            String rule, List<Vote> votes, List<Count> counts, Outcome outcome, String decision, List<String> tied) {

        /** @return the votes per option, in the order the options were first voted for */
        public Map<String, Integer> countsByOption() {
            Map<String, Integer> byOption = new LinkedHashMap<>();
            for (Count c : counts) {
                byOption.put(c.option(), c.votes());
            }
            return byOption;
        }
    }

    /** Decides among votes; a rule may answer {@code null} while it needs more votes. */
    @FunctionalInterface
    public interface Rule {

        /**
         * @param votes the votes so far, in voter order
         * @param voters how many voters there are in all
         * @return the decision, or {@code null} to wait for more votes; when every voter has voted,
         *     {@code null} counts as {@link Outcome#NONE}
         */
        Decision decide(List<Vote> votes, int voters);

        /** @return the rule's name, recorded in the tally and named in messages */
        default String name() {
            return "custom";
        }

        /**
         * @return whether the rule may decide before every voter has voted; only then is it asked
         *     after each vote (in the consensus's own code, which runs again on replay), otherwise it is
         *     asked once, inside the tally step, and never again on replay
         */
        default boolean decidesEarly() {
            return false;
        }

        /**
         * @param name the rule's name
         * @param rule the decision
         * @return a named rule of your own
         */
        static Rule of(String name, Rule rule) {
            return of(name, false, rule);
        }

        /**
         * @param name the rule's name
         * @param early whether it may decide before every voter has voted (see {@link #decidesEarly()});
         *     then it must be a deterministic function of the votes
         * @param rule the decision
         * @return a named rule of your own
         */
        static Rule of(String name, boolean early, Rule rule) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rule, "rule");
            return new Rule() {
                @Override
                public boolean decidesEarly() {
                    return early;
                }

                @Override
                public Decision decide(List<Vote> votes, int voters) {
                    return rule.decide(votes, voters);
                }

                @Override
                public String name() {
                    return name;
                }
            };
        }

        /** @return more than half of all voters agree; a shared top is a tie; waits for every vote */
        static Rule majority() {
            return of("majority", (votes, voters) -> {
                if (votes.size() < voters) {
                    return null;
                }
                Decision top = top(votes);
                if (top.outcome() == Outcome.DECIDED && counts(votes).get(top.option()) * 2 <= voters) {
                    return Decision.none();
                }
                return top;
            });
        }

        /** @return the option with the most votes; a shared top is a tie; waits for every vote */
        static Rule plurality() {
            return of("plurality", (votes, voters) -> votes.size() < voters ? null : top(votes));
        }

        /** @return every voter votes for the same option; waits for every vote */
        static Rule unanimous() {
            return of("unanimous", (votes, voters) -> {
                if (votes.size() < voters) {
                    return null;
                }
                Map<String, Integer> counts = counts(votes);
                return counts.size() == 1 ? Decision.of(votes.get(0).key()) : Decision.none();
            });
        }

        /**
         * @param k the votes an option needs, at least 1
         * @return the first option to reach {@code k} votes wins at once (later voters do not run);
         *     when the voters run out first, a shared top is a tie and anything else no decision
         */
        static Rule firstTo(int k) {
            Names.positive("k", k);
            return of("first-to-" + k, true, (votes, voters) -> {
                Map<String, Integer> counts = counts(votes);
                String last =
                        votes.isEmpty() ? null : votes.get(votes.size() - 1).key();
                if (last != null && counts.get(last) >= k) {
                    return Decision.of(last);
                }
                if (votes.size() < voters) {
                    return null;
                }
                Decision top = top(votes);
                return top.outcome() == Outcome.TIE ? top : Decision.none();
            });
        }

        /**
         * @param votes votes
         * @return votes per option, in the order the options were first voted for
         */
        static Map<String, Integer> counts(List<Vote> votes) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Vote v : votes) {
                counts.merge(v.key(), 1, Integer::sum);
            }
            return counts;
        }

        /**
         * @param votes votes
         * @return the single option with the most votes, a tie of those sharing the top, or none
         *     when there are no votes
         */
        static Decision top(List<Vote> votes) {
            Map<String, Integer> counts = counts(votes);
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            List<String> best = counts.entrySet().stream()
                    .filter(e -> e.getValue() == max)
                    .map(Map.Entry::getKey)
                    .toList();
            if (best.isEmpty()) {
                return Decision.none();
            }
            return best.size() == 1 ? Decision.of(best.get(0)) : Decision.tie(best);
        }
    }

    private final List<Block<? super I, ? extends V>> voters;
    private final Function<? super V, String> key;
    private final Rule rule;
    private final TieBreak tieBreak;

    private Consensus(
            String name,
            List<Block<? super I, ? extends V>> voters,
            Function<? super V, String> key,
            Rule rule,
            TieBreak tieBreak,
            StepOptions<V> options) {
        super("consensus", name, options);
        this.voters = voters;
        this.key = key;
        this.rule = rule;
        this.tieBreak = tieBreak;
    }

    /**
     * Starts a consensus with no voters, the key {@code String.valueOf}, the rule
     * {@link Rule#majority()} and {@link TieBreak#FAIL}. Give the types as witnesses:
     * {@code Consensus.<Draft, Review>named("review")}.
     *
     * @param name the block's name
     * @param <I> the input type
     * @param <V> the output type
     * @return the consensus; it needs {@link #voters}
     * @throws IllegalArgumentException if the name is unusable
     */
    public static <I, V> Consensus<I, V> named(String name) {
        return new Consensus<>(name, List.of(), String::valueOf, Rule.majority(), TieBreak.FAIL, null);
    }

    /**
     * @param voters the blocks that vote, with distinct names other than {@value #TALLY}
     * @return a copy with these voters (replacing any given before)
     * @throws IllegalArgumentException if there is none, or a name is unusable or repeated
     */
    @SafeVarargs
    public final Consensus<I, V> voters(Block<? super I, ? extends V>... voters) {
        if (voters.length == 0) {
            throw new IllegalArgumentException("consensus '" + name() + "' needs at least one voter");
        }
        List<Block<? super I, ? extends V>> list = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Block<? super I, ? extends V> v : voters) {
            String n = Names.check(
                    "a voter's name", Objects.requireNonNull(v, "voter").name());
            if (n.equals(TALLY) || names.contains(n)) {
                throw new IllegalArgumentException("consensus '" + name() + "' has a voter named '" + n
                        + "', which is taken (voters need distinct names other than '" + TALLY + "')");
            }
            names.add(n);
            list.add(v);
        }
        return new Consensus<I, V>(name(), Collections.unmodifiableList(list), key, rule, tieBreak, options());
    }

    /**
     * @param key maps an answer to the option it votes for; answers with equal keys are the same vote
     * @return a copy with this key
     */
    public Consensus<I, V> key(Function<? super V, String> key) {
        return new Consensus<>(name(), voters, Objects.requireNonNull(key, "key"), rule, tieBreak, options());
    }

    /**
     * @param rule decides among the votes
     * @return a copy with this rule
     */
    public Consensus<I, V> rule(Rule rule) {
        return new Consensus<>(name(), voters, key, Objects.requireNonNull(rule, "rule"), tieBreak, options());
    }

    /**
     * @param tieBreak what settles a tie
     * @return a copy with this tie-break
     */
    public Consensus<I, V> onTie(TieBreak tieBreak) {
        return new Consensus<>(name(), voters, key, rule, Objects.requireNonNull(tieBreak, "tieBreak"), options());
    }

    /**
     * @param options settings inherited by the voters and the tally step that have none of their
     *     own; the fallback applies to the consensus as a whole
     * @return a copy with these options
     */
    public Consensus<I, V> withOptions(StepOptions<V> options) {
        return new Consensus<>(name(), voters, key, rule, tieBreak, options);
    }

    /** @return the voters' names in declaration order */
    public List<String> voterNames() {
        return voters.stream().map(Block::name).toList();
    }

    @Override
    public boolean isLeaf() {
        return false;
    }

    @Override
    public V execute(I input, BlockContext ctx) {
        if (voters.isEmpty()) {
            throw new IllegalStateException("consensus '" + name() + "' has no voters: call voters(...)");
        }
        List<Vote> votes = new ArrayList<>();
        List<V> answers = new ArrayList<>();
        for (Block<? super I, ? extends V> voter : voters) {
            V answer = run(ctx, voter, input);
            answers.add(answer);
            votes.add(new Vote(voter.name(), Objects.requireNonNull(key.apply(answer), "key")));
            if (rule.decidesEarly()
                    && votes.size() < voters.size()
                    && rule.decide(List.copyOf(votes), voters.size()) != null) {
                break; // decided early (first-to-k): the other voters do not run
            }
        }
        List<Vote> cast = List.copyOf(votes);
        Tally tally = ctx.run(Handler.<I, Tally>of(TALLY, (in, c) -> tally(cast)), input);
        if (tally.decision() == null) {
            NoConsensusException failure = new NoConsensusException(
                    tally.outcome() == Outcome.TIE
                            ? Messages.consensusTie(ctx.path(), tally.rule(), tally.tied(), tally.countsByOption())
                            : Messages.consensusNone(ctx.path(), tally.rule(), tally.countsByOption()),
                    ctx.scope().flowId(),
                    ctx.path(),
                    tally.countsByOption(),
                    tally.tied());
            throw failure;
        }
        for (int i = 0; i < cast.size(); i++) {
            if (cast.get(i).key().equals(tally.decision())) {
                return answers.get(i);
            }
        }
        // a recorded decision that none of the replayed votes has: the voters' code changed
        throw new IllegalStateException(Messages.consensusNone(ctx.path(), tally.rule(), tally.countsByOption()));
    }

    private Tally tally(List<Vote> votes) {
        Decision d = rule.decide(votes, voters.size());
        if (d == null) {
            d = Decision.none();
        }
        String decision = d.option();
        if (d.outcome() == Outcome.TIE && tieBreak == TieBreak.FIRST_VOTE) {
            decision = votes.stream()
                    .map(Vote::key)
                    .filter(d.tied()::contains)
                    .findFirst()
                    .orElse(null);
        }
        if (decision != null && votes.stream().map(Vote::key).noneMatch(decision::equals)) {
            throw new IllegalStateException("consensus '" + name() + "': the rule " + rule.name() + " decided for '"
                    + decision + "', which no voter voted for");
        }
        List<Count> counts = Rule.counts(votes).entrySet().stream()
                .map(e -> new Count(e.getKey(), e.getValue()))
                .toList();
        return new Tally(rule.name(), votes, counts, d.outcome(), decision, d.tied());
    }

    @SuppressWarnings("unchecked")
    private static <X, Y, V> V run(BlockContext ctx, Block<X, Y> block, Object input) {
        return (V) ctx.run(block, (X) input);
    }

    @Override
    public String toString() {
        return "Consensus[" + name() + ", " + voterNames() + ", " + rule.name() + "]";
    }
}
