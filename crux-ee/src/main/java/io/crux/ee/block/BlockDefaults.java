package io.crux.ee.block;

import io.crux.ee.engine.BeanValidationInputValidator;
import io.crux.ee.engine.JsonbPayloadCodec;
import io.crux.ee.spi.InputValidator;
import io.crux.ee.spi.PayloadCodec;

/** The JSON-B codec and Bean Validation check of a {@link BlockContext} that does not bring its own. */
final class BlockDefaults {

    private BlockDefaults() {}

    static PayloadCodec codec() {
        return CodecHolder.CODEC;
    }

    static InputValidator validator() {
        return BeanValidationInputValidator.standalone();
    }

    private static final class CodecHolder {
        static final PayloadCodec CODEC = new JsonbPayloadCodec();
    }
}
