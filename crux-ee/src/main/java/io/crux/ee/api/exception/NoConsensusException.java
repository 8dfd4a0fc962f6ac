package io.crux.ee.api.exception;

import java.util.List;
import java.util.Map;

/**
 * A consensus block's rule reached no decision over the votes: a tie that its tie-break does not
 * settle (CRUX0250E), or no option with the support the rule asks for (CRUX0251E). The tally is
 * recorded before this is thrown, so a replayed run fails the same way without asking the voters
 * again. Not retried: the voters have all completed; rescue it with a sequencer's {@code rescue}.
 */
public final class NoConsensusException extends CruxException {

    private static final long serialVersionUID = 1L;
    private final Map<String, Integer> counts;
    private final List<String> tied;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     * @param flowId the run id, or {@code null}
     * @param path the logical path of the consensus block
     * @param counts the votes per option, in the order the options were first voted for
     * @param tied the options tied at the top, empty when the outcome is not a tie
     */
    public NoConsensusException(
            String message, String flowId, String path, Map<String, Integer> counts, List<String> tied) {
        super(message, flowId, path, null);
        this.counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
        this.tied = List.copyOf(tied);
    }

    /** @return the votes per option */
    public Map<String, Integer> counts() {
        return counts;
    }

    /** @return the options tied at the top; empty when no option had enough support */
    public List<String> tied() {
        return tied;
    }
}
