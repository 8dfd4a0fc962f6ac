package io.crux.ee.spi;

import java.util.List;

import io.crux.ee.api.exception.InvalidInputException.Violation;

/**
 * Checks inputs and signal payloads before anything is stored. The default uses Bean Validation when
 * a provider is present; {@link #NONE} accepts everything. The engine calls one validator from many
 * threads at once, so implementations are thread-safe.
 */
public interface InputValidator {

    /** A validator that accepts everything. */
    InputValidator NONE = value -> List.of();

    /**
     * @param value the value to check, or {@code null}
     * @return the violations, empty when the value is valid
     */
    List<Violation> validate(Object value);
}
