package io.crux.it.api;

import java.math.BigDecimal;

/** An input with a string, a boolean, a decimal and an int, to send wrongly typed values to. */
public record Strict(String text, boolean approved, BigDecimal amount, int count) {}
