package io.crux.sample;

import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The help desk's session state, declared with {@code @ScopeState}: writes of other keys, or of
 * values of another type, are refused.
 *
 * @param questions how many questions the session asked
 * @param lastTopic the topic of the latest question
 */
public record DeskSession(
        @PositiveOrZero int questions, @Size(max = 40) String lastTopic) {}
