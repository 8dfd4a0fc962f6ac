package io.crux.ee.spi;

import java.lang.reflect.Type;

/** Turns values into stored {@link Payload}s and back. Implementations are thread-safe. */
public interface PayloadCodec {

    /**
     * @param value a value, or {@code null}
     * @return its stored form
     * @throws io.crux.ee.api.exception.CruxException if the value cannot be encoded
     */
    Payload encode(Object value);

    /**
     * Decodes a payload into its recorded type, loaded through {@code loader}.
     *
     * @param payload the stored form
     * @param loader the class loader of the application
     * @return the value, or {@code null}
     * @throws io.crux.ee.api.exception.CruxException if the payload cannot be decoded
     */
    Object decode(Payload payload, ClassLoader loader);

    /**
     * Converts a value to another type through its JSON form; returns the value itself when it
     * already has that type.
     *
     * @param value a value, or {@code null}
     * @param type the wanted type
     * @return the converted value
     * @throws IllegalArgumentException if the value does not fit the type
     */
    Object convert(Object value, Type type);
}
