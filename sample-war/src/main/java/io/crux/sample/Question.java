package io.crux.sample;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A question to the help desk. */
public record Question(@NotBlank @Size(max = 2000) String text) {}
