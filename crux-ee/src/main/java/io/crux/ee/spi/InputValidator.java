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

    /**
     * Checks a value against the constraints of one property of a type, without an instance of the
     * type (Bean Validation's {@code validateValue}); used for one key of a typed state document.
     * The default checks nothing.
     *
     * @param type the type that declares the property, a record or a bean
     * @param property the property's name
     * @param value the value, of the property's type, or {@code null}
     * @return the violations, empty when the value is valid
     */
    default List<Violation> validateProperty(Class<?> type, String property, Object value) {
        return List.of();
    }
}
