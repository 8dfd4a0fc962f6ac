package io.crux.sample.research;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

/**
 * What the planner decided to look up: the model's structured output, checked with Bean
 * Validation (an invalid plan goes back to the model for repair).
 *
 * @param topics one to three topics of the library
 */
public record Plan(@NotEmpty @Size(max = 3) List<@NotBlank String> topics) {}
