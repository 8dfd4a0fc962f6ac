package io.crux.it.fault;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Run {@code count} steps {@code s1, s2, …}; the step {@code gateAt} (0: none) waits at its run's gate the first time it runs. */
public record Steps(
        @Min(1) @Max(10) int count, @Min(0) @Max(10) int gateAt) {}
