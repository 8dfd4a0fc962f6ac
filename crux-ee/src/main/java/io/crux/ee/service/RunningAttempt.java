package io.crux.ee.service;

import java.time.Instant;
import java.util.Objects;

/**
 * An attempt of a step that runs now on this server. Immutable.
 *
 * @param label the step's label
 * @param attempt the attempt's number, from 1
 * @param startedAt when the attempt started
 */
public record RunningAttempt(String label, int attempt, Instant startedAt) {

    /** @throws NullPointerException if {@code label} or {@code startedAt} is null */
    public RunningAttempt {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
