package io.crux.sample;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** An expense claim as an employee submits it. */
public record Expense(
        @NotBlank @Size(max = 80) String employee,
        @NotNull @Positive @DecimalMax("100000") BigDecimal amount,

        @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR")
        String currency,

        @NotBlank @Size(max = 500) String description) {}
