package io.crux.it.api;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/** Suspend for a signal that expires after {@code expiryMillis}. */
public record Wait(@NotNull @Positive Long expiryMillis) {}
