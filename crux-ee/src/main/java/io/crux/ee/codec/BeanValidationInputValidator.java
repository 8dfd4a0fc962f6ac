package io.crux.ee.codec;

import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.validation.Validation;
import jakarta.validation.ValidationException;
import jakarta.validation.Validator;

import io.crux.ee.api.exception.InvalidInputException.Violation;
import io.crux.ee.catalog.Messages;
import io.crux.ee.spi.InputValidator;

/** Checks values with a Bean Validation {@link Validator}. */
public final class BeanValidationInputValidator implements InputValidator {

    private final Validator validator;

    public BeanValidationInputValidator(Validator validator) {
        this.validator = validator;
    }

    /**
     * The check used outside a container (the test kit, a block context without an engine): a
     * validator of {@code Validation.buildDefaultValidatorFactory()}, made once. Without a Bean
     * Validation provider it logs {@code CRUX0090W} once and accepts everything.
     *
     * @return the shared check
     */
    public static InputValidator standalone() {
        return Standalone.INSTANCE;
    }

    private static final class Standalone {
        static final InputValidator INSTANCE = create();

        private static InputValidator create() {
            try {
                return new BeanValidationInputValidator(
                        Validation.buildDefaultValidatorFactory().getValidator());
            } catch (ValidationException | LinkageError absent) {
                Logger.getLogger(BeanValidationInputValidator.class.getName())
                        .log(Level.WARNING, Messages.noBeanValidation(), absent);
                return InputValidator.NONE;
            }
        }
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

    @Override
    public List<Violation> validateProperty(Class<?> type, String property, Object value) {
        return validator.validateValue(type, property, value).stream()
                .map(v -> new Violation(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .toList();
    }
}
