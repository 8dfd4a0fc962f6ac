package io.crux.ee.api.exception;

import io.crux.ee.api.PolicyTerminal;

/**
 * A generator's model kept asking for tools after the generator's bound on tool rounds. It is
 * policy-terminal: another attempt would run every tool round (and its side effects) again, so it
 * is neither retried nor sent to a fallback unless {@code shouldRetry} says so.
 */
public final class ToolRoundsExceededException extends CruxException implements PolicyTerminal {

    private static final long serialVersionUID = 1L;

    private final int rounds;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message, naming the generator, its model and the bound
     * @param rounds the tool rounds that ran
     */
    public ToolRoundsExceededException(String message, int rounds) {
        super(message, null, null, null);
        this.rounds = rounds;
    }

    /** @return the tool rounds that ran before the generator gave up */
    public int rounds() {
        return rounds;
    }
}
