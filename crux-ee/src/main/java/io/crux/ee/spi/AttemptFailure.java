package io.crux.ee.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A failed attempt of a step, as the step's checkpoint (or the run's failure) keeps it. Immutable.
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

    /** @throws NullPointerException if {@code startedAt}, {@code endedAt} or {@code type} is null */
    public AttemptFailure {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(type, "type");
    }
}
