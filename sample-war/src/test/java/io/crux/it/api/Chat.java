package io.crux.it.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Emit {@code before} items, wait for the signal "more", then emit {@code after} items. */
public record Chat(
        @Min(1) @Max(100) int before, @Min(0) @Max(100) int after) {}
