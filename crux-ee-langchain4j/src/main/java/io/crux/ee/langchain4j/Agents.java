package io.crux.ee.langchain4j;

import java.util.Objects;

import io.crux.ee.block.Swarm;

/**
 * Model glue for the composition patterns of {@code io.crux.ee.block}: a generator as the chooser
 * of a {@link Swarm}. (A generator is a block already, so it votes in a {@code Consensus} and acts
 * as a swarm agent as it is; {@link Generator#delegates(Delegate...)} makes one call other agents.)
 */
public final class Agents {

    private Agents() {}

    /**
     * A swarm chooser that asks a generator with structured output {@link Swarm.Pick} (an
     * {@code agent} name, or none to finish, and a {@code reason}). The generator runs inside the
     * swarm's pick step {@code <swarm>/turn[i]/pick}, so its answer is recorded and a replay does not
     * call the model again; a pick of a name that is not an agent fails the step with CRUX0253E
     * (retried as the swarm's options say).
     *
     * <pre>{@code
     * Generator<Swarm.Turn<Ticket>, Swarm.Pick> dispatcher = Generator.<Swarm.Turn<Ticket>>named("dispatch")
     *         .system("Pick the agent for the next turn among the agents, or none when the ticket is solved.")
     *         .prompt((turn, ctx) -> "Agents: " + turn.agents() + "\nSo far: " + turn.history() + "\nTicket: " + turn.state())
     *         .output(Swarm.Pick.class);
     * Swarm<Ticket> desk = Swarm.<Ticket>named("desk").agents(triage, billing).chooser(Agents.chooser(dispatcher));
     * }</pre>
     *
     * @param generator the generator; its input is the turn
     * @param <S> the swarm's state type
     * @return the chooser
     */
    public static <S> Swarm.Chooser<S> chooser(Generator<Swarm.Turn<S>, Swarm.Pick> generator) {
        Objects.requireNonNull(generator, "generator");
        return (turn, ctx) -> generator.execute(turn, ctx);
    }
}
