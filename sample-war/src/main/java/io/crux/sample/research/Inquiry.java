package io.crux.sample.research;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * A question for the research assistant.
 *
 * @param text the question
 */
public record Inquiry(@NotBlank @Size(max = 500) String text) {}
