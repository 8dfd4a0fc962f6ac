/**
 * The model registry that generators ask for their models by name; an application may replace the
 * server's with a CDI {@code @Alternative}, and a test gives its own.
 */
package io.crux.ee.langchain4j.spi;
