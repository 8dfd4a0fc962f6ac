package io.crux.it.fault;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * The input of the suspending action: a string, a boolean, a bounded integer and a floating
 * number, so hostile inputs have each type to get wrong.
 */
public record Approval(
        @NotBlank @Size(max = 200) String text,
        boolean urgent,
        @Min(1) @Max(1000) int amount,
        double rate) {}
