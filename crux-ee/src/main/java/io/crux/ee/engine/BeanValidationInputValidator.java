package io.crux.ee.engine;

import java.util.Comparator;
import java.util.List;

import jakarta.validation.Validator;

import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.spi.InputValidator;

/** Checks values with a Bean Validation {@link Validator}. */
public final class BeanValidationInputValidator implements InputValidator {

    private final Validator validator;

    public BeanValidationInputValidator(Validator validator) {
        this.validator = validator;
    }

    @Override
    public List<Violation> validate(Object value) {
        if (value == null) {
            return List.of();
        }
        return validator.validate(value).stream()
                .map(v -> new Violation(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .toList();
    }
}
