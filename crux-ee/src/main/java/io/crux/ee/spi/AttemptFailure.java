package io.crux.ee.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A failed attempt of a step, as the step's checkpoint (or the run's failure) keeps it. Immutable.
 *
 * <p>A step keeps its first {@link #KEPT_FIRST} and last {@link #KEPT_LAST} failed attempts, each
 * message cut to {@link #MESSAGE_LIMIT} characters: the attempts in between are left out, and
 * {@link #omitted(List)} counts them from the gap in the attempts' numbers.
 *
 * @param attempt the attempt's number, from 1
 * @param startedAt when the attempt started
 * @param endedAt when it failed
 * @param type the failure's class name
 * @param message the failure's message, or {@code null}
 * @param messageId the failure's message id ({@code CRUXnnnnX}) when it carries one, or {@code null}
 * @param retryWaitMs the wait chosen before the next attempt in milliseconds ({@code 0} when the
 *     next one followed at once), or {@code null} when no attempt followed
 */
public record AttemptFailure(
        int attempt,
        Instant startedAt,
        Instant endedAt,
        String type,
        String message,
        String messageId,
        Long retryWaitMs) {

    /** The failed attempts a log keeps from its start. */
    public static final int KEPT_FIRST = 10;

    /** The failed attempts a log keeps from its end. */
    public static final int KEPT_LAST = 10;

    /** A message longer than this is cut when the attempt is recorded (the full one is in the server log). */
    public static final int MESSAGE_LIMIT = 2000;

    /**
     * @param log failed attempts in the order of their numbers
     * @return how many attempts were left out between them (the gaps in their numbers)
     */
    public static int omitted(List<AttemptFailure> log) {
        int omitted = 0;
        for (int i = 1; i < log.size(); i++) {
            omitted += Math.max(0, log.get(i).attempt() - log.get(i - 1).attempt() - 1);
        }
        return omitted;
    }

    /**
     * @param message a failure's message, or null
     * @return the message cut to {@link #MESSAGE_LIMIT} characters (with an ellipsis), or null
     */
    public static String cut(String message) {
        return message == null || message.length() <= MESSAGE_LIMIT
                ? message
                : message.substring(0, MESSAGE_LIMIT) + "…";
    }

    /**
     * Adds a failed attempt to a log, and leaves out the oldest attempt after the first
     * {@link #KEPT_FIRST} when the log would hold more than {@code KEPT_FIRST + KEPT_LAST}.
     *
     * @param log a mutable log
     * @param failure the attempt that failed last
     */
    public static void record(List<AttemptFailure> log, AttemptFailure failure) {
        log.add(failure);
        if (log.size() > KEPT_FIRST + KEPT_LAST) {
            log.remove(KEPT_FIRST);
        }
    }

    /** @throws NullPointerException if {@code startedAt}, {@code endedAt} or {@code type} is null */
    public AttemptFailure {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(type, "type");
    }
}
