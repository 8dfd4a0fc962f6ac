/**
 * Payloads as JSON: the default {@link io.crux.ee.spi.PayloadCodec} (JSON-B), the default
 * {@link io.crux.ee.spi.InputValidator} (Bean Validation), the JSON Schema that crux-ee publishes
 * for a Java type, and the strict check of received JSON against it. The two defaults are the
 * SPI's implementations and may be constructed by integrators; the schema classes are not API.
 */
package io.crux.ee.codec;
