package io.crux.ee.block;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.validation.Validation;
import jakarta.validation.ValidationException;

import io.crux.ee.engine.BeanValidationInputValidator;
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.engine.Messages;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/** The JSON-B codec and Bean Validation check of a {@link BlockContext} that does not bring its own. */
final class BlockDefaults {

    private static final Logger LOG = Logger.getLogger(BlockDefaults.class.getName());

    private BlockDefaults() {}

    static PayloadCodec codec() {
        return CodecHolder.CODEC;
    }

    static InputValidator validator() {
        return ValidatorHolder.VALIDATOR;
    }

    private static final class CodecHolder {
        static final PayloadCodec CODEC = new JsonbPayloadCodec();
    }

    private static final class ValidatorHolder {
        static final InputValidator VALIDATOR = create();

        private static InputValidator create() {
            try {
                return new BeanValidationInputValidator(Validation.buildDefaultValidatorFactory().getValidator());
            } catch (ValidationException | LinkageError absent) {
                LOG.log(Level.WARNING, Messages.noBeanValidation(), absent);
                return InputValidator.NONE;
            }
        }
    }
}
