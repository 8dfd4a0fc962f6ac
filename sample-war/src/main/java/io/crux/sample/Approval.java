package io.crux.sample;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** A manager's answer, delivered to a suspended run as a signal. */
public record Approval(
        @NotNull Boolean approved,
        @NotBlank @Size(max = 80) String manager,
        @Size(max = 500) String comment) {}
