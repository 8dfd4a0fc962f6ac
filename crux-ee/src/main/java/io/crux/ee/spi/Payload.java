package io.crux.ee.spi;

/**
 * A value as stored: its JSON text and the name of its Java type. Immutable.
 *
 * @param type the binary class name of the value, or {@code null} for a null value
 * @param json the JSON-B text, or {@code null} for a null value
 */
public record Payload(String type, String json) {

    /** The stored form of {@code null}. */
    public static final Payload NULL = new Payload(null, null);
}
